package dev.parcel.scheduler.persistence;

import dev.parcel.scheduler.domain.Worker;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The queries of the scheduler's state that Panache's finders do not express; all run in the caller's session. */
@ApplicationScoped
public class SchedulerStore {
    /** Any constant works; it only has to be the same for every replica. */
    private static final long PLACEMENT_LOCK = 0x70_61_72_63_65_6cL;

    /**
     * Serializes placement rounds across replicas until the current transaction ends. Run as an update: Hibernate
     * keeps a new plan for every native select it runs, all under one hash, and finding one grows slower with each.
     */
    public Uni<Void> lockPlacement() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT pg_advisory_xact_lock(?1)")
                .setParameter(1, PLACEMENT_LOCK)
                .executeUpdate()).replaceWithVoid();
    }

    /** Queues a job unless it is already known: a replayed JobSubmitted changes nothing. */
    public Uni<Boolean> enqueue(QueuedJobEntity job) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO queued_jobs (job_id, submitter, spec, requested_cpus, requested_memory_bytes, state,
                                         attempt, submitted_at, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, 'QUEUED', 0, ?6, ?6)
                ON CONFLICT (job_id) DO NOTHING""")
                .setParameter(1, job.jobId)
                .setParameter(2, job.submitter)
                .setParameter(3, job.spec)
                .setParameter(4, job.requestedCpus)
                .setParameter(5, job.requestedMemoryBytes)
                .setParameter(6, job.submittedAt)
                .executeUpdate()).map(inserted -> inserted == 1);
    }

    /** Records a heartbeat unless a newer one was already recorded (heartbeats may arrive out of order). */
    public Uni<Void> recordHeartbeat(WorkerEntity heartbeat) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO workers (id, cpus, memory_bytes, max_cpus_per_job, max_memory_bytes_per_job, last_heartbeat)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (id) DO UPDATE SET cpus = excluded.cpus, memory_bytes = excluded.memory_bytes,
                    max_cpus_per_job = excluded.max_cpus_per_job,
                    max_memory_bytes_per_job = excluded.max_memory_bytes_per_job,
                    last_heartbeat = excluded.last_heartbeat
                WHERE workers.last_heartbeat < excluded.last_heartbeat""")
                .setParameter(1, heartbeat.id)
                .setParameter(2, heartbeat.cpus)
                .setParameter(3, heartbeat.memoryBytes)
                .setParameter(4, heartbeat.maxCpusPerJob)
                .setParameter(5, heartbeat.maxMemoryBytesPerJob)
                .setParameter(6, heartbeat.lastHeartbeat)
                .executeUpdate()).replaceWithVoid();
    }

    /** Frees what an attempt held; a completion for another attempt, or a replay, matches no row. */
    public Uni<Void> complete(String jobId, int attempt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                UPDATE queued_jobs SET state = 'DONE', updated_at = now()
                WHERE job_id = ?1 AND attempt = ?2 AND state = 'SCHEDULED'""")
                .setParameter(1, jobId)
                .setParameter(2, attempt)
                .executeUpdate()).replaceWithVoid();
    }

    /**
     * Ends a job its submitter terminated, if no attempt of it was placed yet; true when it did. A termination that
     * overtook the job's JobSubmitted leaves the job ended, so the submission is then ignored. Call it holding the
     * placement lock, so a round cannot place the job meanwhile.
     */
    public Uni<Boolean> terminateIfQueued(String jobId, String submitter, Instant requestedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO queued_jobs (job_id, submitter, spec, requested_cpus, requested_memory_bytes, state,
                                         attempt, submitted_at, updated_at)
                VALUES (?1, ?2, 'null', 0, 0, 'DONE', 0, ?3, ?3)
                ON CONFLICT (job_id) DO UPDATE SET state = 'DONE', updated_at = excluded.updated_at
                WHERE queued_jobs.state = 'QUEUED'""")
                .setParameter(1, jobId)
                .setParameter(2, submitter)
                .setParameter(3, requestedAt)
                .executeUpdate()).map(changed -> changed == 1);
    }

    public Uni<List<QueuedJobEntity>> oldestQueued(int limit) {
        return QueuedJobEntity.<QueuedJobEntity>find("state = ?1 order by submittedAt, jobId",
                QueuedJobEntity.State.QUEUED).page(0, limit).list();
    }

    /** Live workers with what their placed jobs use. */
    public Uni<List<Worker>> liveWorkers(Instant heardSince) {
        Uni<List<WorkerEntity>> workers = WorkerEntity.list("lastHeartbeat >= ?1 order by id", heardSince);
        return workers.chain(live -> usage().map(used -> live.stream().map(w -> {
            Object[] use = used.getOrDefault(w.id, new Object[] {0.0, 0L});
            return new Worker(w.id, w.cpus, w.memoryBytes, w.maxCpusPerJob, w.maxMemoryBytesPerJob,
                    ((Number) use[0]).doubleValue(), ((Number) use[1]).longValue());
        }).toList()));
    }

    private Uni<Map<String, Object[]>> usage() {
        return Panache.getSession().chain(session -> session.createQuery("""
                select q.workerId, sum(q.grantedCpus), sum(q.grantedMemoryBytes) from QueuedJobEntity q
                where q.state = ?1 group by q.workerId""", Object[].class)
                .setParameter(1, QueuedJobEntity.State.SCHEDULED)
                .getResultList())
                .map(rows -> {
                    var byWorker = new HashMap<String, Object[]>();
                    rows.forEach(row -> byWorker.put((String) row[0], new Object[] {row[1], row[2]}));
                    return byWorker;
                });
    }
}
