package dev.parcel.documents.api;

import dev.parcel.documents.Documents;
import dev.parcel.events.ResourceIds;
import dev.parcel.tokens.JobTokens;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import dev.parcel.web.ReactiveWork;
import io.smallrye.mutiny.Multi;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.logging.Logger;

/** Parcel's storage URL: upload and download of document bytes. */
@Path("/v1/storage")
public class StorageResource {
    private static final Logger LOG = Logger.getLogger(StorageResource.class);
    private final Documents documents;
    private final Caller caller;

    StorageResource(Documents documents, Caller caller) {
        this.documents = documents;
        this.caller = caller;
    }

    /**
     * Multipart with a {@code metadata} part (JSON, or empty) and a {@code data} part (the bytes). The body is read
     * as it arrives on a worker thread: the metadata is checked before any byte of data is stored, the data is
     * encrypted as it streams in, and the document exists once both are complete.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Blocking
    public DocumentView upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        String creator = caller.identityId();
        Optional<JobTokens.JobClaims> job = caller.job();
        String blobId = ResourceIds.newDocumentId();
        var received = new Object() {
            Documents.UploadMetadata metadata = new Documents.UploadMetadata(null, null);
            Long size;
        };
        try {
            MultipartUpload.read(contentType, body, new MultipartUpload.Parts() {
                @Override
                public void metadata(String text) {
                    received.metadata = documents.readMetadata(text);
                    ReactiveWork.await(() -> documents.ownerMustExist(creator, received.metadata.owner()));
                }

                @Override
                public void data(InputStream bytes) throws IOException {
                    if (received.size != null) {
                        throw ApiProblem.invalid("data: the multipart body has more than one part named data");
                    }
                    received.size = documents.storeBytes(blobId, bytes);
                }
            });
        } catch (IOException e) {
            LOG.infof("upload of %s did not complete: %s", blobId, e.toString());
            discard(blobId, received.size);
            throw ApiProblem.invalid("the upload ended before its body was complete");
        } catch (RuntimeException e) {
            discard(blobId, received.size);
            throw e;
        }
        if (received.size == null) {
            throw ApiProblem.invalid("data: the multipart body needs a part named data with the document's bytes");
        }
        return DocumentView.of(ReactiveWork.await(() -> documents.record(creator, job, received.metadata, blobId,
                received.size)));
    }

    private void discard(String blobId, Long size) {
        if (size != null) {
            try {
                documents.discardBytes(blobId);
            } catch (IOException e) {
                LOG.warnf("could not remove blob %s of a failed upload: %s", blobId, e.getMessage());
            }
        }
    }

    @GET
    @Path("/{id}/download")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Multi<Buffer> download(@PathParam("id") String id) {
        return documents.download(caller.identityId(), caller.job(), id);
    }
}
