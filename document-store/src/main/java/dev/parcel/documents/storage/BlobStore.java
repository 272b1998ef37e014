package dev.parcel.documents.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where document bytes live. Streams in and out, so memory stays bounded whatever a document's size. Calls block:
 * run them off the event loop.
 */
public interface BlobStore {

    /** Produces a blob's bytes into the stream it is given and says how many bytes of content that was. */
    @FunctionalInterface
    interface Content {
        long writeTo(OutputStream out) throws IOException;
    }

    /**
     * Stores what {@code content} writes under {@code blobId} and returns its count. All or nothing: when
     * {@code content} or the store fails part way, no blob is left under that id.
     */
    long write(String blobId, Content content) throws IOException;

    /** Stores everything {@code data} yields; see {@link #write(String, Content)}. */
    default long write(String blobId, InputStream data) throws IOException {
        return write(blobId, data::transferTo);
    }

    /** The stored bytes; a blob that is missing or was altered fails with an {@link IOException}. */
    InputStream read(String blobId) throws IOException;

    /** Removes the blob; removing one that is not there is not an error. */
    void delete(String blobId) throws IOException;
}
