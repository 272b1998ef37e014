package dev.parcel.documents;

import dev.parcel.documents.config.StorageConfig;
import dev.parcel.documents.storage.BlobStore;
import dev.parcel.events.MemoryNotation;
import dev.parcel.tokens.JobTokens;
import dev.parcel.web.ApiProblem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Jobs' logs: what the executor captured of a job's stdout and stderr, stored encrypted as it runs, and read under
 * the same governance as the data it was computed from. Only the newest {@code parcel.storage.max-job-log-size}
 * bytes of a job are kept; what is dropped is counted.
 *
 * <p>Who may read them: an identity that may see the job (its submitter, or the owner of a document it read) and
 * may read, directly and now, every document the job read. Decided on every read.
 */
@ApplicationScoped
public class JobLogs {
    /** The most one chunk may hold: the executor sends a chunk every second or so, and never this much. */
    public static final int MAX_CHUNK_BYTES = 1 << 20;
    /** How many chunks one read returns at most; a reader asks again after the last. */
    private static final int CHUNKS_PER_READ = 32;
    private static final Logger LOG = Logger.getLogger(JobLogs.class);

    private final Pool database;
    private final BlobStore blobs;
    private final Documents documents;
    private final Vertx vertx;
    private final long maxBytes;

    JobLogs(Pool database, BlobStore blobs, Documents documents, Vertx vertx, StorageConfig config) {
        this.database = database;
        this.blobs = blobs;
        this.documents = documents;
        this.vertx = vertx;
        this.maxBytes = MemoryNotation.parseBytes(config.maxJobLogSize());
    }

    /** A chunk of log lines (JSON lines: {@code time}, {@code stream}, {@code line}) and where it stands. */
    public record Chunk(int attempt, long chunk, String lines) {
    }

    /** Chunks after a position, oldest first, with how many bytes of older output were dropped and the limit. */
    public record Page(long droppedBytes, long limitBytes, List<Chunk> chunks) {
    }

    /** Where a reader is: after chunk {@code chunk} of attempt {@code attempt}; (0, 0) is the start. */
    public record Position(int attempt, long chunk) {
        public static final Position START = new Position(0, 0);

        /** {@code <attempt>.<chunk>}, as {@link #toString()} writes it. */
        public static Position parse(String text) {
            if (text == null || text.isEmpty()) {
                return START;
            }
            int dot = text.indexOf('.');
            try {
                return new Position(Integer.parseInt(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1)));
            } catch (RuntimeException e) {
                throw ApiProblem.invalid("after: must be a position this API gave out, such as 1.42");
            }
        }

        @Override
        public String toString() {
            return attempt + "." + chunk;
        }
    }

    /**
     * Stores a chunk the executor sent for its attempt; a chunk sent twice is kept once. Then drops the job's
     * oldest chunks while it keeps more than the limit.
     */
    public Uni<Void> append(JobTokens.JobClaims job, long chunk, byte[] lines) {
        String blobId = "log-" + job.jobId() + "-" + job.attempt() + "-" + chunk;
        return blocking(() -> blobs.write(blobId, out -> {
            out.write(lines);
            return lines.length;
        })).chain(stored -> database.withTransaction(connection -> connection.preparedQuery("""
                        INSERT INTO job_logs (job_id, submitter) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING""")
                .execute(Tuple.of(job.jobId(), job.submitter()))
                .chain(() -> connection.preparedQuery("SELECT 1 FROM job_logs WHERE job_id = $1 FOR UPDATE")
                        .execute(Tuple.of(job.jobId())))
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO job_log_chunks (job_id, attempt, chunk, bytes, blob_id, written_at)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING""")
                        .execute(Tuple.from(List.of(job.jobId(), job.attempt(), chunk, (long) lines.length, blobId,
                                OffsetDateTime.now(ZoneOffset.UTC)))))
                .chain(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().item(List.<String>of())
                        : connection.preparedQuery("UPDATE job_logs SET kept_bytes = kept_bytes + $2 WHERE job_id = $1")
                                .execute(Tuple.of(job.jobId(), (long) lines.length))
                                .chain(() -> dropOldest(connection, job.jobId())))))
                .chain(this::deleteBlobs);
    }

    /** Drops the oldest chunks while the job keeps more than the limit; the dropped chunks' blob ids. */
    private Uni<List<String>> dropOldest(SqlConnection connection, String jobId) {
        return connection.preparedQuery("""
                WITH newest_first AS (
                    SELECT attempt, chunk, SUM(bytes) OVER (ORDER BY attempt DESC, chunk DESC) AS kept_with_newer
                    FROM job_log_chunks WHERE job_id = $1)
                DELETE FROM job_log_chunks c USING newest_first n
                WHERE c.job_id = $1 AND c.attempt = n.attempt AND c.chunk = n.chunk AND n.kept_with_newer > $2
                RETURNING c.blob_id, c.bytes""")
                .execute(Tuple.of(jobId, maxBytes))
                .chain(dropped -> {
                    var blobIds = new ArrayList<String>();
                    long bytes = 0;
                    for (Row row : dropped) {
                        blobIds.add(row.getString("blob_id"));
                        bytes += row.getLong("bytes");
                    }
                    return bytes == 0
                            ? Uni.createFrom().item(List.<String>of())
                            : connection.preparedQuery("""
                                    UPDATE job_logs SET kept_bytes = kept_bytes - $2, dropped_bytes = dropped_bytes + $2
                                    WHERE job_id = $1""").execute(Tuple.of(jobId, bytes)).replaceWith(blobIds);
                });
    }

    /** After the commit: a blob left behind by a crash here holds ciphertext no row points to. */
    private Uni<Void> deleteBlobs(List<String> blobIds) {
        return blobIds.isEmpty() ? Uni.createFrom().voidItem() : blocking(() -> {
            for (String blobId : blobIds) {
                blobs.delete(blobId);
            }
            return null;
        }).replaceWithVoid();
    }

    /**
     * The job's chunks after {@code after}, when {@code reader} may read its logs now; otherwise the same 404 as
     * for a job that does not exist. A job that has logged nothing yet has an empty page: it says nothing.
     */
    public Uni<Page> read(String reader, String jobId, Position after) {
        return database.preparedQuery("SELECT submitter, dropped_bytes FROM job_logs WHERE job_id = $1")
                .execute(Tuple.of(jobId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(new Page(0, maxBytes, List.of()));
                    }
                    Row log = rows.iterator().next();
                    return mayRead(reader, jobId, log.getString("submitter"))
                            .chain(() -> chunksAfter(jobId, after))
                            .map(chunks -> new Page(log.getLong("dropped_bytes"), maxBytes, chunks));
                });
    }

    private Uni<Void> mayRead(String reader, String jobId, String submitter) {
        return database.preparedQuery("SELECT DISTINCT document_id, owner FROM access_log WHERE job_id = $1")
                .execute(Tuple.of(jobId))
                .chain(rows -> {
                    var read = new ArrayList<String>();
                    boolean seesTheJob = reader.equals(submitter);
                    for (Row row : rows) {
                        read.add(row.getString("document_id"));
                        seesTheJob |= reader.equals(row.getString("owner"));
                    }
                    if (!seesTheJob) {
                        return Uni.createFrom().failure(ApiProblem.notFound("no job " + jobId));
                    }
                    return Multi.createFrom().iterable(read)
                            .onItem().transformToUniAndConcatenate(document -> documents.find(reader,
                                    Optional.empty(), document))
                            .collect().last()
                            .onFailure(ApiProblem.class).transform(unreadable -> ApiProblem.notFound("no job " + jobId))
                            .replaceWithVoid();
                });
    }

    private Uni<List<Chunk>> chunksAfter(String jobId, Position after) {
        return database.preparedQuery("""
                SELECT attempt, chunk, blob_id FROM job_log_chunks
                WHERE job_id = $1 AND (attempt, chunk) > ($2, $3) ORDER BY attempt, chunk LIMIT $4""")
                .execute(Tuple.of(jobId, after.attempt(), after.chunk(), CHUNKS_PER_READ))
                .chain(rows -> {
                    var found = new ArrayList<Row>();
                    rows.forEach(found::add);
                    return blocking(() -> {
                        var chunks = new ArrayList<Chunk>();
                        for (Row row : found) {
                            try (InputStream in = blobs.read(row.getString("blob_id"))) {
                                chunks.add(new Chunk(row.getInteger("attempt"), row.getLong("chunk"),
                                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                            } catch (IOException e) {
                                // Dropped by a newer chunk between the query and here: the reader skips it.
                                LOG.debugf("log chunk %s is gone: %s", row.getString("blob_id"), e.getMessage());
                            }
                        }
                        return chunks;
                    });
                });
    }

    private <T> Uni<T> blocking(BlobWork.Step<T> step) {
        return BlobWork.offTheEventLoop(vertx, step);
    }
}
