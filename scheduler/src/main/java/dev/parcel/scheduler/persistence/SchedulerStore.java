package dev.parcel.scheduler.persistence;

import dev.parcel.scheduler.domain.LostAttempt;
import dev.parcel.scheduler.domain.Worker;
import dev.parcel.scheduler.domain.WorkerLease;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
                                         attempt, submitted_at, updated_at, traceparent)
                VALUES (?1, ?2, ?3, ?4, ?5, 'QUEUED', 0, ?6, ?6, cast(?7 as text))
                ON CONFLICT (job_id) DO NOTHING""")
                .setParameter(1, job.jobId)
                .setParameter(2, job.submitter)
                .setParameter(3, job.spec)
                .setParameter(4, job.requestedCpus)
                .setParameter(5, job.requestedMemoryBytes)
                .setParameter(6, job.submittedAt)
                .setParameter(7, job.traceparent)
                .executeUpdate()).map(inserted -> inserted == 1);
    }

    /**
     * Records a heartbeat unless a later one was already recorded: one worker's heartbeats share a partition, so
     * they arrive in order, but replicas' clocks may differ a little.
     */
    public Uni<Void> recordHeartbeat(WorkerEntity heartbeat) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO workers (id, cpus, memory_bytes, max_cpus_per_job, max_memory_bytes_per_job, last_heartbeat,
                                     draining)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (id) DO UPDATE SET cpus = excluded.cpus, memory_bytes = excluded.memory_bytes,
                    max_cpus_per_job = excluded.max_cpus_per_job,
                    max_memory_bytes_per_job = excluded.max_memory_bytes_per_job,
                    last_heartbeat = excluded.last_heartbeat, draining = excluded.draining
                WHERE workers.last_heartbeat < excluded.last_heartbeat""")
                .setParameter(1, heartbeat.id)
                .setParameter(2, heartbeat.cpus)
                .setParameter(3, heartbeat.memoryBytes)
                .setParameter(4, heartbeat.maxCpusPerJob)
                .setParameter(5, heartbeat.maxMemoryBytesPerJob)
                .setParameter(6, heartbeat.lastHeartbeat)
                .setParameter(7, heartbeat.draining)
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
     * Ends a job its submitter terminated, if it waits for a worker; the item is then the attempt that waited (the
     * next after the last placed one), else null. A termination that overtook the job's JobSubmitted leaves the job
     * ended, so the submission is then ignored. Call it holding the placement lock, so a round cannot place the job
     * meanwhile.
     */
    public Uni<Integer> terminateIfQueued(String jobId, String submitter, Instant requestedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO queued_jobs (job_id, submitter, spec, requested_cpus, requested_memory_bytes, state,
                                         attempt, submitted_at, updated_at)
                VALUES (?1, ?2, 'null', 0, 0, 'DONE', 0, ?3, ?3)
                ON CONFLICT (job_id) DO UPDATE SET state = 'DONE', updated_at = excluded.updated_at
                WHERE queued_jobs.state = 'QUEUED'
                RETURNING attempt + 1""", Integer.class)
                .setParameter(1, jobId)
                .setParameter(2, submitter)
                .setParameter(3, requestedAt)
                .getSingleResultOrNull());
    }

    /**
     * Remembers a termination requested while the job is placed: its worker ends it, but if the worker is lost
     * first, the lease check ends it instead of placing it again.
     */
    public Uni<Void> rememberTermination(String jobId, Instant requestedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO termination_requests (job_id, requested_at)
                SELECT job_id, ?2 FROM queued_jobs WHERE job_id = ?1 AND state = 'SCHEDULED'
                ON CONFLICT (job_id) DO NOTHING""")
                .setParameter(1, jobId)
                .setParameter(2, requestedAt)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<List<QueuedJobEntity>> oldestQueued(int limit) {
        return QueuedJobEntity.<QueuedJobEntity>find("state = ?1 order by submittedAt, jobId",
                QueuedJobEntity.State.QUEUED).page(0, limit).list();
    }

    /** How many jobs wait in the queue, and when the oldest of them was submitted (null when none waits). */
    public record QueueSummary(long depth, Instant oldestSubmittedAt) {
    }

    public Uni<QueueSummary> queueSummary() {
        return Panache.getSession().chain(session -> session.createQuery(
                "select count(q), min(q.submittedAt) from QueuedJobEntity q where q.state = ?1", Object[].class)
                .setParameter(1, QueuedJobEntity.State.QUEUED)
                .getSingleResult())
                .map(row -> new QueueSummary(((Number) row[0]).longValue(), (Instant) row[1]));
    }

    /** Workers that may get new jobs (heard from since {@code heardSince}, not draining), with what their jobs use. */
    public Uni<List<Worker>> placeableWorkers(Instant heardSince) {
        Uni<List<WorkerEntity>> workers = WorkerEntity.list("lastHeartbeat >= ?1 and draining = false order by id",
                heardSince);
        return workers.chain(live -> usage().map(used -> live.stream().map(w -> {
            Object[] use = used.getOrDefault(w.id, new Object[] {0.0, 0L});
            return new Worker(w.id, w.cpus, w.memoryBytes, w.maxCpusPerJob, w.maxMemoryBytesPerJob,
                    ((Number) use[0]).doubleValue(), ((Number) use[1]).longValue());
        }).toList()));
    }

    public Uni<List<WorkerLease>> workerLeases() {
        return WorkerEntity.<WorkerEntity>listAll().map(workers -> workers.stream()
                .map(worker -> new WorkerLease(worker.id, worker.lastHeartbeat)).toList());
    }

    /** The jobs placed on these workers, to be changed in this session. */
    public Uni<List<QueuedJobEntity>> placedOn(List<String> workerIds) {
        return QueuedJobEntity.list("state = ?1 and workerId in ?2", QueuedJobEntity.State.SCHEDULED, workerIds);
    }

    /** The workers each of these jobs lost earlier attempts with, oldest first; jobs that lost none are absent. */
    public Uni<Map<String, List<String>>> lostWorkersOf(List<String> jobIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT job_id, worker_id FROM lost_attempts WHERE job_id = ANY (cast(?1 as text[]))
                ORDER BY job_id, attempt""", Object[].class)
                .setParameter(1, jobIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> {
                    var byJob = new HashMap<String, List<String>>();
                    rows.forEach(row -> byJob.computeIfAbsent((String) row[0], job -> new ArrayList<>())
                            .add((String) row[1]));
                    return byJob;
                });
    }

    /** Which of these jobs their submitters asked to terminate while they were placed. */
    public Uni<Set<String>> terminationsRequested(List<String> jobIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "SELECT job_id FROM termination_requests WHERE job_id = ANY (cast(?1 as text[]))", String.class)
                .setParameter(1, jobIds.toArray(String[]::new))
                .getResultList())
                .map(Set::copyOf);
    }

    public Uni<Void> recordLost(List<LostAttempt> lost) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO lost_attempts (job_id, attempt, worker_id, lost_at)
                SELECT job_id, cast(attempt as integer), worker_id, now()
                FROM unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[])) AS l (job_id, attempt, worker_id)
                ON CONFLICT (job_id, attempt) DO NOTHING""")
                .setParameter(1, lost.stream().map(LostAttempt::jobId).toArray(String[]::new))
                .setParameter(2, lost.stream().map(attempt -> String.valueOf(attempt.attempt())).toArray(String[]::new))
                .setParameter(3, lost.stream().map(LostAttempt::workerId).toArray(String[]::new))
                .executeUpdate()).replaceWithVoid();
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
