package dev.parcel.documents.api;

import dev.parcel.documents.Documents;
import dev.parcel.events.ResourceIds;
import dev.parcel.tokens.JobTokenScope;
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
import java.io.OutputStream;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.logging.Logger;

/** Parcel's storage URL: upload and download of document bytes. */
@Path("/v1/storage")
public class StorageResource {
    private static final Logger LOG = Logger.getLogger(StorageResource.class);
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Room for a job id, an attempt and the longest output mount path. */
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 1024;
    private final Documents documents;
    private final Caller caller;

    StorageResource(Documents documents, Caller caller) {
        this.documents = documents;
        this.caller = caller;
    }

    /**
     * Multipart with a {@code metadata} part (JSON, or empty) and a {@code data} part (the bytes). The body is read
     * as it arrives on a worker thread: the metadata is checked before any byte of data is stored, the data is
     * encrypted as it streams in, and the document exists once both are complete (201). With an
     * {@code Idempotency-Key} the caller already used, the answer is the document that upload made (200), and the
     * bytes sent again are read and dropped; the same key for another owner is a 422. An upload with a job's
     * token is one of that attempt's declared outputs: its key is {@code <jobId>/<attempt>/<mountPath>} for an output
     * the spec declares, and its owner the one the spec names for it (403 otherwise), so no job can take another's
     * key, and no data leaves a job but as its data owners allowed.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public RestResponse<DocumentView> upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, InputStream body) {
        String creator = caller.identityId();
        Optional<JobTokens.JobClaims> job = caller.job();
        Optional<String> key = Optional.ofNullable(idempotencyKey);
        key.ifPresent(StorageResource::idempotencyKeyMustFit);
        Optional<String> declaredOwner = job.map(claims -> declaredOutputOwner(claims, idempotencyKey));
        String blobId = ResourceIds.newDocumentId();
        var received = new Object() {
            Documents.UploadMetadata metadata = new Documents.UploadMetadata(null, null);
            Optional<Documents.Document> earlier = Optional.empty();
            Long size;
        };
        try {
            MultipartUpload.read(contentType, body, new MultipartUpload.Parts() {
                @Override
                public void metadata(String text) {
                    received.metadata = documents.readMetadata(text);
                    declaredOwner.ifPresent(owner -> ownerMustBe(owner, creator, received.metadata));
                    ReactiveWork.await(() -> documents.ownerMustExist(creator, received.metadata.owner()));
                    if (key.isPresent()) {
                        received.earlier = ReactiveWork.await(() -> documents.byIdempotencyKey(creator, key.get()));
                    }
                }

                @Override
                public void data(InputStream bytes) throws IOException {
                    // Also when no metadata part came first: then the document would be the uploader's.
                    declaredOwner.ifPresent(owner -> ownerMustBe(owner, creator, received.metadata));
                    if (received.size != null) {
                        throw ApiProblem.invalid("data: the multipart body has more than one part named data");
                    }
                    if (received.earlier.isPresent()) {
                        received.size = bytes.transferTo(OutputStream.nullOutputStream());
                        return;
                    }
                    received.size = documents.storeBytes(blobId, bytes);
                }
            });
        } catch (IOException e) {
            LOG.infof("upload of %s did not complete: %s", blobId, e.toString());
            discard(blobId, received.earlier.isEmpty() ? received.size : null);
            throw ApiProblem.invalid("the upload ended before its body was complete");
        } catch (RuntimeException e) {
            discard(blobId, received.earlier.isEmpty() ? received.size : null);
            throw e;
        }
        if (received.size == null) {
            throw ApiProblem.invalid("data: the multipart body needs a part named data with the document's bytes");
        }
        if (received.earlier.isPresent()) {
            return RestResponse.ok(DocumentView.of(sameOwner(received.earlier.get(), creator, received.metadata)));
        }
        var recorded = ReactiveWork.await(() -> documents.record(creator, job, received.metadata, blobId,
                received.size, key));
        // A concurrent upload with the key may have recorded its document first: then this is that one.
        return RestResponse.status(recorded.id().equals(blobId) ? RestResponse.Status.CREATED
                : RestResponse.Status.OK, DocumentView.of(sameOwner(recorded, creator, received.metadata)));
    }

    private static Documents.Document sameOwner(Documents.Document earlier, String creator,
            Documents.UploadMetadata metadata) {
        String owner = metadata.owner() == null ? creator : metadata.owner();
        if (!earlier.owner().equals(owner)) {
            throw ApiProblem.unprocessable(IDEMPOTENCY_KEY + ": already used for a document of another owner");
        }
        return earlier;
    }

    private static void idempotencyKeyMustFit(String key) {
        if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw ApiProblem.invalid(IDEMPOTENCY_KEY + ": must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters");
        }
    }

    private static String declaredOutputOwner(JobTokens.JobClaims job, String key) {
        return JobTokenScope.declaredOutputOwner(job, key).orElseThrow(() -> ApiProblem.forbidden(IDEMPOTENCY_KEY
                + ": a job uploads only its declared outputs, each with the key <jobId>/<attempt>/<mountPath>"));
    }

    private static void ownerMustBe(String declared, String creator, Documents.UploadMetadata metadata) {
        String owner = metadata.owner() == null ? creator : metadata.owner();
        if (!owner.equals(declared)) {
            throw ApiProblem.forbidden("metadata.owner: this output's declared owner is " + declared);
        }
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
