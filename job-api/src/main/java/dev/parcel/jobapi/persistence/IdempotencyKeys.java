package dev.parcel.jobapi.persistence;

import dev.parcel.jobapi.config.SubmissionConfig;
import dev.parcel.jobapi.domain.IdempotencyKey;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Which job each submitter's Idempotency-Key names. A key counts for {@link SubmissionConfig#idempotencyKeyTtl()}
 * from the submission that made its job; an older one is replaced by the next submission with it, and deleted by
 * the cleanup in any case.
 */
@ApplicationScoped
public class IdempotencyKeys {
    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);

    /** The job a key names, and the fingerprint of the spec that made it. */
    public record Holder(String jobId, String fingerprint) {
    }

    private final Pool database;
    private final SubmissionConfig config;

    IdempotencyKeys(Pool database, SubmissionConfig config) {
        this.database = database;
        this.config = config;
    }

    /**
     * Records, in the current transaction, that the submitter's key names {@code jobId}; true when it did, false
     * when the key already names a job and has not expired. While another transaction holds the same key
     * uncommitted, PostgreSQL makes this one wait for it (the primary key), so concurrent requests never both claim
     * it. Either way the key's row stays locked until this transaction ends: the cleanup cannot take it from under
     * {@link #holder}.
     */
    public Uni<Boolean> claim(String submitter, IdempotencyKey key, String fingerprint, String jobId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO idempotency_keys AS held (submitter, idempotency_key, fingerprint, job_id, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (submitter, idempotency_key) DO UPDATE
                SET fingerprint = EXCLUDED.fingerprint, job_id = EXCLUDED.job_id, created_at = EXCLUDED.created_at
                WHERE held.created_at <= ?6""")
                .setParameter(1, submitter)
                .setParameter(2, key.value())
                .setParameter(3, fingerprint)
                .setParameter(4, jobId)
                .setParameter(5, now)
                .setParameter(6, now.minus(config.idempotencyKeyTtl()))
                .executeUpdate())
                .map(changed -> changed == 1);
    }

    /** The job the key names, once {@link #claim} said it names one already (so it exists and is committed). */
    public Uni<Holder> holder(String submitter, IdempotencyKey key) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT job_id, fingerprint FROM idempotency_keys WHERE submitter = ?1 AND idempotency_key = ?2""",
                Object[].class)
                .setParameter(1, submitter)
                .setParameter(2, key.value())
                .getSingleResult())
                .map(row -> new Holder((String) row[0], (String) row[1]));
    }

    /** Deletes the keys that no longer count; the item is how many. */
    public Uni<Integer> deleteExpired(Instant now) {
        var expiredBy = OffsetDateTime.ofInstant(now.minus(config.idempotencyKeyTtl()), ZoneOffset.UTC);
        return database.preparedQuery("DELETE FROM idempotency_keys WHERE created_at <= $1")
                .execute(Tuple.of(expiredBy))
                .map(deleted -> deleted.rowCount());
    }

    /** Only keeps the table small: an expired key is ignored whether or not it was deleted yet. */
    @Scheduled(every = "${parcel.submissions.idempotency-key-cleanup-interval:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> cleanup() {
        return deleteExpired(Instant.now()).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("deleting expired idempotency keys failed, retried in the"
                        + " next cleanup: %s", failure.getMessage()))
                .onFailure().recoverWithNull();
    }
}
