package dev.parcel.jobapi.persistence;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.jobapi.domain.JobStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The history of each job's status, and news of its changes. A change is recorded in the transaction that makes
 * it and announced with PostgreSQL's NOTIFY (by a trigger on the history), which is delivered when that
 * transaction commits, to every replica of the job-api listening: whichever replica applied the event, every open
 * stream hears of it.
 */
@ApplicationScoped
public class StatusChanges {
    static final String CHANNEL = "parcel_job_status";
    private static final Logger LOG = Logger.getLogger(StatusChanges.class);

    public record Change(String jobId, int seq, JobStatus status, Instant at) {
    }

    private final Pool database;
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    private PgSubscriber subscriber;

    StatusChanges(Pool database) {
        this.database = database;
    }

    void listen(@Observes StartupEvent started, Vertx vertx, @ConfigProperty(name = "parcel.db.host") String host,
            @ConfigProperty(name = "parcel.db.port") int port, @ConfigProperty(name = "parcel.db.name") String name,
            @ConfigProperty(name = "parcel.db.user") String user,
            @ConfigProperty(name = "parcel.db.password") Optional<String> password) {
        subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions().setHost(host).setPort(port)
                .setDatabase(name).setUser(user).setPassword(password.orElse("")));
        subscriber.reconnectPolicy(retries -> 1000L);
        // After a (re)connect, notifications sent meanwhile are lost: every stream looks again.
        subscriber.channel(CHANNEL).handler(this::changed).subscribeHandler(this::everyoneLooksAgain);
        subscriber.connect().subscribe().with(connected -> LOG.infof("listening for job status changes"),
                failure -> LOG.warnf("not listening for job status changes yet: %s", failure.getMessage()));
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * Records the job's change number {@code seq} in the caller's transaction; the database announces it on
     * {@link #CHANNEL} when that transaction commits (a trigger, see the V5 migration).
     */
    public Uni<Void> record(Change change) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO job_status_changes (job_id, seq, phase, message, host, changed_at, attempt, exit_code,
                    reason, started_at, finished_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (job_id, seq) DO NOTHING""")
                .setParameter(1, change.jobId())
                .setParameter(2, change.seq())
                .setParameter(3, change.status().phase().name())
                .setParameter(4, change.status().message())
                .setParameter(5, change.status().host())
                .setParameter(6, change.at())
                .setParameter(7, change.status().attempt())
                .setParameter(8, change.status().exitCode())
                .setParameter(9, change.status().reason() == null ? null : change.status().reason().name())
                .setParameter(10, change.status().startedAt())
                .setParameter(11, change.status().finishedAt())
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The job's changes numbered above {@code afterSeq}, oldest first. */
    public Uni<List<Change>> after(String jobId, int afterSeq) {
        return database.preparedQuery("""
                SELECT seq, phase, message, host, changed_at, attempt, exit_code, reason, started_at, finished_at
                FROM job_status_changes WHERE job_id = $1 AND seq > $2 ORDER BY seq""")
                .execute(Tuple.of(jobId, afterSeq))
                .map(rows -> {
                    var changes = new ArrayList<Change>();
                    rows.forEach(row -> changes.add(new Change(jobId, row.getInteger("seq"), new JobStatus(
                            JobPhase.valueOf(row.getString("phase")), row.getString("message"),
                            row.getString("host"), row.getInteger("attempt"), row.getInteger("exit_code"),
                            row.getString("reason") == null ? null : JobReason.valueOf(row.getString("reason")),
                            instant(row, "started_at"), instant(row, "finished_at")),
                            instant(row, "changed_at"))));
                    return changes;
                });
    }

    private static Instant instant(Row row, String column) {
        var value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** Calls {@code onChange} whenever the job's status may have changed, until the returned handle is closed. */
    public AutoCloseable whenChanged(String jobId, Runnable onChange) {
        listeners.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(onChange);
        return () -> listeners.computeIfPresent(jobId, (id, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    private void changed(String jobId) {
        LOG.debugf("status of job %s changed", jobId);
        listeners.getOrDefault(jobId, Set.of()).forEach(Runnable::run);
    }

    private void everyoneLooksAgain() {
        listeners.values().forEach(set -> set.forEach(Runnable::run));
    }
}
