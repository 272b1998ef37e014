package dev.parcel.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.documents.domain.AccessContext;
import dev.parcel.documents.domain.AccessDecision;
import dev.parcel.documents.domain.Grant;
import dev.parcel.documents.persistence.DocumentEntity;
import dev.parcel.documents.persistence.KnownIdentities;
import dev.parcel.documents.storage.BlobStore;
import dev.parcel.events.ResourceIds;
import dev.parcel.tokens.JobTokens;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Uploading, describing and downloading documents. Blob I/O blocks, so it runs on worker threads; the database
 * work stays on the request's Vert.x context, which Hibernate Reactive requires.
 */
@ApplicationScoped
public class Documents {
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final TypeReference<List<String>> TAGS = new TypeReference<>() {
    };

    private final BlobStore blobs;
    private final KnownIdentities identities;
    private final Grants grants;
    private final AccessLog accessLog;
    private final ObjectMapper json;
    private final Vertx vertx;

    Documents(BlobStore blobs, KnownIdentities identities, Grants grants, AccessLog accessLog, ObjectMapper json,
            Vertx vertx) {
        this.blobs = blobs;
        this.identities = identities;
        this.grants = grants;
        this.accessLog = accessLog;
        this.json = json;
        this.vertx = vertx;
    }

    public record Details(String title, List<String> tags) {
    }

    /** What an uploader may say about a document: who owns it, and its title and tags. */
    public record UploadMetadata(String owner, Details details) {
    }

    public record Document(String id, Instant createdAt, String creator, String owner, long size, Details details,
            String originatingJob) {
    }

    /**
     * Records a document whose bytes were just stored as blob {@code blobId}. The owner must exist; when it does
     * not, or recording fails, the blob is removed again, so a failed upload leaves neither a document nor an
     * orphan blob. An upload made for a job records it as the origin. When a concurrent upload with the same
     * {@code idempotencyKey} recorded its document first, that one is the answer (and this blob is removed).
     */
    public Uni<Document> record(String creator, Optional<JobTokens.JobClaims> job, UploadMetadata metadata,
            String blobId, long size, Optional<String> idempotencyKey) {
        String owner = metadata.owner() == null ? creator : metadata.owner();
        var row = new DocumentEntity();
        row.id = blobId;
        row.creator = creator;
        row.owner = owner;
        row.size = size;
        row.title = metadata.details() == null ? null : metadata.details().title();
        row.tags = write(metadata.details() == null || metadata.details().tags() == null
                ? List.of() : metadata.details().tags());
        row.originatingJob = job.map(JobTokens.JobClaims::jobId).orElse(null);
        row.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.idempotencyKey = idempotencyKey.orElse(null);
        return ownerMustExist(creator, owner)
                .chain(() -> Panache.withTransaction(row::persist))
                .onFailure().call(() -> blocking(() -> {
                    blobs.delete(blobId);
                    return null;
                }))
                .map(ignored -> toDocument(row))
                .onFailure(failure -> idempotencyKey.isPresent()).recoverWithUni(failure ->
                        byIdempotencyKey(creator, idempotencyKey.get()).map(earlier -> earlier.orElseThrow(() ->
                                failure instanceof RuntimeException runtime ? runtime
                                        : new IllegalStateException(failure))));
    }

    /** The document {@code creator} uploaded earlier under this key, if any. */
    public Uni<Optional<Document>> byIdempotencyKey(String creator, String idempotencyKey) {
        return Panache.withSession(() -> DocumentEntity.<DocumentEntity>find("creator = ?1 and idempotencyKey = ?2",
                creator, idempotencyKey).firstResult()).map(row -> Optional.ofNullable(row).map(this::toDocument));
    }

    /** Fails with a 400 naming the owner when it is not an identity this service knows. */
    public Uni<Void> ownerMustExist(String creator, String owner) {
        Uni<Boolean> exists = owner == null || owner.equals(creator) ? Uni.createFrom().item(true)
                : identities.exists(owner);
        return exists.invoke(known -> {
            if (!known) {
                throw ApiProblem.invalid("metadata.owner: no identity " + owner);
            }
        }).replaceWithVoid();
    }

    /** Encrypts a document's bytes into a new blob as they are read; all or nothing. Blocks. */
    public long storeBytes(String blobId, InputStream bytes) throws IOException {
        return blobs.write(blobId, bytes);
    }

    /** Removes a blob no document was recorded for. Blocks. */
    public void discardBytes(String blobId) throws IOException {
        blobs.delete(blobId);
    }

    /**
     * The document, when {@code reader} may read it (as owner, or by a grant whose condition holds for this read:
     * a direct one, or one made for {@code job}); otherwise the same 404 as for a document that does not exist.
     */
    public Uni<Document> find(String reader, Optional<JobTokens.JobClaims> job, String documentId) {
        return Panache.withSession(() -> DocumentEntity.<DocumentEntity>findById(documentId))
                .chain(row -> row == null
                        ? Uni.createFrom().<Document>nullItem()
                        : mayRead(reader, job, toDocument(row)).map(allowed -> allowed ? toDocument(row) : null))
                .map(document -> {
                    if (document == null) {
                        throw ApiProblem.notFound("no document " + documentId);
                    }
                    return document;
                });
    }

    /** Changes a document's details or owner; only its owner may, and the new owner must exist. */
    public Uni<Document> update(String caller, String documentId, UploadMetadata changes) {
        if (changes == null) {
            throw ApiProblem.invalid("body: must be JSON such as {\"owner\": ..., \"details\": {...}}");
        }
        tagsMustBeStrings(changes);
        String newOwner = changes.owner();
        Uni<Boolean> ownerExists = newOwner == null ? Uni.createFrom().item(true) : identities.exists(newOwner);
        return ownerExists.invoke(exists -> {
            if (!exists) {
                throw ApiProblem.invalid("owner: no identity " + newOwner);
            }
        }).chain(() -> Panache.withTransaction(() -> ownedBy(caller, documentId).map(row -> {
            if (newOwner != null) {
                row.owner = newOwner;
            }
            if (changes.details() != null) {
                row.title = changes.details().title();
                row.tags = write(changes.details().tags() == null ? List.of() : changes.details().tags());
            }
            return toDocument(row);
        })));
    }

    /** Deletes a document and its bytes; only its owner may. */
    public Uni<Void> delete(String caller, String documentId) {
        return Panache.withTransaction(() -> ownedBy(caller, documentId).call(row -> row.delete()))
                .chain(row -> blocking(() -> {
                    blobs.delete(row.id);
                    return null;
                }));
    }

    /** The row, when {@code caller} owns it; anyone else gets the same 404 as for a document that does not exist. */
    private Uni<DocumentEntity> ownedBy(String caller, String documentId) {
        return DocumentEntity.<DocumentEntity>findById(documentId).map(row -> {
            if (row == null || !row.owner.equals(caller)) {
                throw ApiProblem.notFound("no document " + documentId);
            }
            return row;
        });
    }

    /** Who read the document and when; its owner's to see, and nobody else's (404). */
    public Uni<AccessLog.HistoryPage> history(String caller, String documentId, String accessor, Instant after,
            Instant before, Integer pageSize, String pageToken) {
        return Panache.withSession(() -> DocumentEntity.<DocumentEntity>findById(documentId)).chain(row -> {
            if (row == null || !row.owner.equals(caller)) {
                return Uni.createFrom().failure(ApiProblem.notFound("no document " + documentId));
            }
            return accessLog.history(documentId, accessor, after, before, pageSize, pageToken);
        });
    }

    private Uni<Boolean> mayRead(String reader, Optional<JobTokens.JobClaims> job, Document document) {
        var facts = new AccessContext.DocumentFacts(document.id(), document.creator(), document.owner(),
                document.details().title(), Set.copyOf(document.details().tags()), document.originatingJob());
        var context = job.map(claims -> AccessContext.jobRead(facts, reader, new AccessContext.JobFacts(
                        claims.jobId(), claims.image(), claims.inputs(), claims.outputs(), claims.workerId()),
                        Instant.now()))
                .orElseGet(() -> AccessContext.directRead(facts, reader, Instant.now()));
        // The owner needs no grant; skip the query, AccessDecision still makes the call.
        Uni<List<Grant>> candidates = document.owner().equals(reader)
                ? Uni.createFrom().item(List.of())
                : grants.applicable(document.owner(), reader);
        return candidates.map(found -> AccessDecision.mayRead(context, found));
    }

    /**
     * The document's bytes, decrypted as they are read, in chunks, on a worker thread. The read is in the access
     * log (and announced) before the first byte leaves; a refused read leaves no trace there.
     */
    public Multi<Buffer> download(String reader, Optional<JobTokens.JobClaims> job, String documentId) {
        return find(reader, job, documentId)
                .call(document -> accessLog.record(document, reader, job.map(JobTokens.JobClaims::jobId).orElse(null)))
                .onItem().transformToMulti(document -> Multi.createFrom()
                .resource(() -> open(document.id()), in -> Multi.createBy().repeating()
                        .supplier(() -> readChunk(in)).until(chunk -> chunk.length() == 0))
                .withFinalizer(Documents::close)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    private InputStream open(String blobId) {
        try {
            return blobs.read(blobId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Buffer readChunk(InputStream in) {
        try {
            byte[] chunk = in.readNBytes(CHUNK_BYTES);
            return Buffer.buffer(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the stream is done with either way
        }
    }

    /** Parses the upload's metadata part: JSON, or empty for none. */
    public UploadMetadata readMetadata(String text) {
        if (text == null || text.isBlank()) {
            return new UploadMetadata(null, null);
        }
        try {
            UploadMetadata metadata = json.readValue(text, UploadMetadata.class);
            return metadata == null ? new UploadMetadata(null, null) : tagsMustBeStrings(metadata);
        } catch (JsonProcessingException e) {
            throw ApiProblem.invalid("metadata: must be JSON such as {\"owner\": ..., \"details\": {\"title\": ...,"
                    + " \"tags\": [...]}}");
        }
    }

    private static UploadMetadata tagsMustBeStrings(UploadMetadata metadata) {
        if (metadata.details() != null && metadata.details().tags() != null
                && metadata.details().tags().contains(null)) {
            throw ApiProblem.invalid("details.tags: every tag must be a string");
        }
        return metadata;
    }

    private <T> Uni<T> blocking(BlobWork.Step<T> step) {
        return BlobWork.offTheEventLoop(vertx, step);
    }

    Document toDocument(DocumentEntity row) {
        try {
            return new Document(row.id, row.createdAt, row.creator, row.owner, row.size,
                    new Details(row.title, json.readValue(row.tags, TAGS)), row.originatingJob);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tags are not JSON", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
