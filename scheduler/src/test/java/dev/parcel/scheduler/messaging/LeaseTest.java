package dev.parcel.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers that stop heartbeating lose their jobs after the lease ({@link ShortLeases}: 3 s, two attempts): each is
 * queued again as its next attempt on a live worker, or ends Failed, and the lost attempt's reports change nothing.
 */
@QuarkusTest
@TestProfile(ShortLeases.class)
@QuarkusTestResource(SharedInfrastructure.class)
class LeaseTest {
    private static final long GIB = 1L << 30;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Longer than a lease and a check, so a worker that was going to be lost has been. */
    private static final Duration PAST_THE_LEASE = Duration.ofSeconds(5);

    private final List<String> workers = new ArrayList<>();
    private Heartbeats heartbeats;

    @BeforeAll
    static void startFromAnEmptyQueue() throws Exception {
        EmptyQueue.retireEverythingQueued();
    }

    @BeforeEach
    void startBeating() {
        heartbeats = new Heartbeats();
    }

    /** No room left on this test's workers and nothing of its jobs left to place, so the next test starts clean. */
    @AfterEach
    void retireWorkersAndJobs() throws Exception {
        heartbeats.close();
        workers.forEach(id -> EventBusProbe.publish(Topics.WORKER_HEARTBEAT, id, WorkerHeartbeat.of(id, 0, 0, 0, 0)));
        EventBusProbe.awaitConsumed("scheduler.heartbeat", Topics.WORKER_HEARTBEAT, PATIENCE);
        EmptyQueue.retireAll();
    }

    /** A worker with room for one job of one cpu, heard from once: it is lost a lease later. */
    private String silentWorker() {
        String id = "worker-" + UUID.randomUUID();
        workers.add(id);
        Heartbeats.send(WorkerHeartbeat.of(id, 1, GIB, 1, GIB));
        return id;
    }

    /** A worker with room for one job of one cpu that keeps heartbeating. */
    private String liveWorker(boolean draining) {
        String id = "worker-" + UUID.randomUUID();
        workers.add(id);
        var heartbeat = WorkerHeartbeat.of(id, 1, GIB, 1, GIB);
        heartbeats.keep(draining ? heartbeat.asDraining() : heartbeat);
        return id;
    }

    private static String submit() {
        String jobId = "J" + UUID.randomUUID();
        EventBusProbe.publish(Topics.JOB_SUBMITTED, jobId, JobSubmitted.of(jobId, "Isubmitter", new JobSpec("job",
                "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, 1.0, "1G", null)));
        return jobId;
    }

    private static void assertPlaced(String jobId, int attempt, String worker) {
        assertEquals(worker, EventBusProbe.await(Topics.JOB_SCHEDULED, JobScheduled.class,
                e -> e.jobId().equals(jobId) && e.attempt() == attempt, PATIENCE).workerId());
    }

    /** A new job, once its first attempt is placed on {@code worker}. */
    private static String placedOn(String worker) {
        String jobId = submit();
        assertPlaced(jobId, 1, worker);
        return jobId;
    }

    private static JobCompleted completed(String jobId) {
        return EventBusProbe.await(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(jobId), PATIENCE);
    }

    /** A job placed on a worker that fell silent, and the live worker its second attempt was placed on. */
    private record Moved(String jobId, String lost, String live) {
    }

    private Moved movedFromALostWorker() {
        String lost = silentWorker();
        String jobId = placedOn(lost);
        String live = liveWorker(false);
        assertPlaced(jobId, 2, live);
        return new Moved(jobId, lost, live);
    }

    @Test
    void jobOfALostWorkerIsQueuedAgainAsItsNextAttemptAndPlacedOnALiveWorker() {
        var moved = movedFromALostWorker();

        // The attempt's number picks the requeue out of the reasons a job may be told while it waits.
        var requeued = EventBusProbe.await(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(moved.jobId()) && e.attempt() == 2, PATIENCE);
        assertEquals(2, requeued.attempt());
        assertEquals(JobPhase.Pending, requeued.phase());
        assertEquals("worker " + moved.lost() + " was lost; attempt 2 queued", requeued.message());
    }

    @Test
    void jobEndsFailedNamingItsLostWorkersOnceItsAttemptsAreUsedUp() {
        var moved = movedFromALostWorker();
        heartbeats.stop(moved.live());

        var ended = completed(moved.jobId());
        assertEquals(JobPhase.Failed, ended.phase());
        assertEquals(ShortLeases.MAX_ATTEMPTS, ended.attempt());
        assertEquals("workers " + moved.lost() + ", " + moved.live() + " were lost; gave up after 2 attempts",
                ended.message());
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class,
                e -> e.jobId().equals(moved.jobId()) && e.attempt() > ShortLeases.MAX_ATTEMPTS, PAST_THE_LEASE);
    }

    /** The lost attempt's completion must not free what the new attempt holds on its worker. */
    @Test
    void completionOfTheLostAttemptChangesNothing() {
        var moved = movedFromALostWorker();
        String jobId = moved.jobId();

        EventBusProbe.publish(Topics.JOB_COMPLETED, jobId,
                JobCompleted.of(jobId, 1, moved.lost(), JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0", List.of(), null, null));
        String waiting = submit();
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(waiting),
                Duration.ofSeconds(4));

        EventBusProbe.publish(Topics.JOB_COMPLETED, jobId,
                JobCompleted.of(jobId, 2, moved.live(), JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0",
                        List.of(), null, null));
        assertPlaced(waiting, 1, moved.live());
    }

    @Test
    void drainingWorkerThatKeepsBeatingKeepsItsJobs() {
        String worker = liveWorker(false);
        String jobId = placedOn(worker);

        heartbeats.keep(WorkerHeartbeat.of(worker, 1, GIB, 1, GIB).asDraining());
        liveWorker(false);

        EventBusProbe.assertNone(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(jobId) && e.attempt() > 1, PAST_THE_LEASE);
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class,
                e -> e.jobId().equals(jobId) && e.attempt() > 1, Duration.ofSeconds(1));
    }

    /** It ends as the attempt the job-api last heard of, the queued one; an older attempt's end would be ignored. */
    @Test
    void terminatingAJobRequeuedFromALostWorkerEndsItsQueuedAttempt() {
        String lost = silentWorker();
        String jobId = placedOn(lost);
        EventBusProbe.await(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(jobId) && e.attempt() == 2, PATIENCE);

        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, jobId, JobTerminationRequested.of(jobId, "Isubmitter"));

        var ended = completed(jobId);
        assertEquals(JobPhase.Failed, ended.phase());
        assertEquals(2, ended.attempt());
        assertTrue(ended.message().startsWith(JobTerminationRequested.TERMINATED_MESSAGE), ended.message());
    }

    /** A termination left to the job's worker: if the worker is lost before it reports, the scheduler ends the job. */
    @Test
    void pendingTerminationEndsTheJobWhenItsWorkerIsLostInsteadOfRunningItAgain() {
        String worker = liveWorker(false);
        String jobId = placedOn(worker);
        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, jobId, JobTerminationRequested.of(jobId, "Isubmitter"));
        EventBusProbe.assertNone(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(jobId),
                Duration.ofSeconds(2));
        liveWorker(false);

        heartbeats.stop(worker);

        var ended = completed(jobId);
        assertEquals(JobPhase.Failed, ended.phase());
        assertEquals(JobTerminationRequested.TERMINATED_MESSAGE + " after its worker " + worker + " was lost",
                ended.message());
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class,
                e -> e.jobId().equals(jobId) && e.attempt() > 1, Duration.ofSeconds(1));
    }
}
