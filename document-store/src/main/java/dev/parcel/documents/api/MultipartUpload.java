package dev.parcel.documents.api;

import dev.parcel.web.ApiProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Reads a {@code multipart/form-data} upload part by part as it arrives (Apache James mime4j), handing the
 * {@code data} part over as a stream: the document's bytes go straight to where they are encrypted, and nothing
 * of them is spooled to disk or held in memory on the way.
 */
final class MultipartUpload {
    /** Metadata is a small JSON object; more than this is not metadata. */
    static final int MAX_METADATA_BYTES = 64 * 1024;

    /** No limit on a part's content (a document may be any size); headers stay small and few. */
    private static final MimeConfig CONFIG = MimeConfig.copy(MimeConfig.PERMISSIVE)
            .setMaxContentLen(-1)
            .setMaxHeaderCount(100)
            .setMaxHeaderLen(16 * 1024)
            .build();

    /** What to do with the two parts Parcel's upload has; other parts are skipped. */
    interface Parts {
        void metadata(String text);

        /** Consumes the document's bytes; the stream ends with the part. */
        void data(InputStream bytes) throws IOException;
    }

    private MultipartUpload() {
    }

    /** Walks the body, calling {@code parts} in the order the parts come; a malformed body is a 400. */
    static void read(String contentType, InputStream body, Parts parts) throws IOException {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
            throw ApiProblem.invalid("the body must be multipart/form-data with the parts metadata and data");
        }
        var stream = new MimeTokenStream(CONFIG);
        stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
        try {
            stream.parseHeadless(body, contentType);
            String name = null;
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                switch (state) {
                    case T_START_BODYPART -> name = null;
                    case T_FIELD -> name = partName(stream.getField()).orElse(name);
                    case T_BODY -> deliver(name, stream.getDecodedInputStream(), parts);
                    default -> {
                    }
                }
            }
        } catch (MimeException e) {
            throw ApiProblem.invalid("the body is not well-formed multipart/form-data: " + e.getMessage());
        }
    }

    private static void deliver(String name, InputStream content, Parts parts) throws IOException {
        if ("metadata".equals(name)) {
            byte[] text = content.readNBytes(MAX_METADATA_BYTES + 1);
            if (text.length > MAX_METADATA_BYTES) {
                throw ApiProblem.invalid("metadata: more than " + MAX_METADATA_BYTES + " bytes");
            }
            parts.metadata(new String(text, StandardCharsets.UTF_8));
        } else if ("data".equals(name)) {
            parts.data(content);
        }
    }

    /** The {@code name} of a {@code Content-Disposition: form-data; name="..."} header. */
    private static Optional<String> partName(Field field) {
        if (!"content-disposition".equalsIgnoreCase(field.getName())) {
            return Optional.empty();
        }
        RawField raw = field instanceof RawField parsed ? parsed
                : new RawField(field.getName(), field.getBody() == null ? "" : field.getBody());
        return RawFieldParser.DEFAULT.parseRawBody(raw).getParams().stream()
                .filter(param -> "name".equalsIgnoreCase(param.getName()))
                .map(NameValuePair::getValue)
                .findFirst();
    }
}
