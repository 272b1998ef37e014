package dev.parcel.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class SchedulingFlowTest {
    private static final long GIB = 1L << 30;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final List<String> workers = new ArrayList<>();

    @BeforeAll
    static void startFromAnEmptyQueue() throws Exception {
        EmptyQueue.retireEverythingQueued();
    }

    private String worker(double cpus, long memory, double maxCpusPerJob, long maxMemoryPerJob) {
        String id = "worker-" + UUID.randomUUID();
        workers.add(id);
        var heartbeat = WorkerHeartbeat.of(id, cpus, memory, maxCpusPerJob, maxMemoryPerJob);
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, id, heartbeat);
        return id;
    }

    /**
     * A worker that reports no capacity gets no more jobs, so one test's workers do not take another's jobs, once
     * the scheduler has applied that report: the next test's first job may otherwise be placed before it.
     */
    @AfterEach
    void retireWorkers() {
        workers.forEach(id -> EventBusProbe.publish(Topics.WORKER_HEARTBEAT, id, WorkerHeartbeat.of(id, 0, 0, 0, 0)));
        EventBusProbe.awaitConsumed("scheduler.heartbeat", Topics.WORKER_HEARTBEAT, PATIENCE);
    }

    /** Sends a heartbeat of worker {@code id} (2 cpus, 2 GiB) stamped by a clock {@code clockOffset} off. */
    private String heartbeat(String id, Duration clockOffset, boolean draining) {
        workers.add(id);
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, id, new WorkerHeartbeat(UUID.randomUUID(),
                Instant.now().plus(clockOffset), WorkerHeartbeat.VERSION, id, 2, 2 * GIB, 1, GIB, draining));
        return id;
    }

    private static JobSubmitted submit(Double cpus, String memory) {
        String jobId = "J" + UUID.randomUUID();
        var spec = new JobSpec("job", "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, cpus,
                memory, null);
        var event = JobSubmitted.of(jobId, "Isubmitter", spec);
        EventBusProbe.publish(Topics.JOB_SUBMITTED, jobId, event);
        return event;
    }

    private static JobScheduled scheduled(String jobId) {
        return EventBusProbe.await(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(jobId), PATIENCE);
    }

    @Test
    void jobIsPlacedOnALiveWorkerWithItsRequestClampedToTheWorkersMaximum() {
        String worker = worker(4, 8 * GIB, 2, GIB);
        var submitted = submit(16.0, "64G");

        var placed = scheduled(submitted.jobId());

        assertEquals(worker, placed.workerId());
        assertEquals(1, placed.attempt());
        assertEquals(2.0, placed.cpus());
        assertEquals(GIB, placed.memoryBytes());
        assertEquals("Isubmitter", placed.submitter());
        assertEquals(submitted.spec(), placed.spec());
    }

    @Test
    void heartbeatCountsWhenItArrivesHoweverFarBehindTheWorkersClockIs() {
        String worker = heartbeat("worker-" + UUID.randomUUID(), Duration.ofSeconds(-20), false);
        var submitted = submit(1.0, "1G");

        assertEquals(worker, scheduled(submitted.jobId()).workerId());
    }

    @Test
    void drainingWorkerGetsNoNewJobsUntilItsNextHeartbeatIsNotDraining() {
        String worker = heartbeat("worker-" + UUID.randomUUID(), Duration.ZERO, true);
        var submitted = submit(1.0, "1G");
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(submitted.jobId()),
                Duration.ofSeconds(4));

        heartbeat(worker, Duration.ZERO, false);
        assertEquals(worker, scheduled(submitted.jobId()).workerId());
    }

    @Test
    void jobWithNoRoomStaysPendingUntilCapacityIsFreed() {
        String worker = worker(1, GIB, 1, GIB);
        var first = submit(1.0, "1G");
        assertEquals(worker, scheduled(first.jobId()).workerId());

        var second = submit(1.0, "1G");
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(second.jobId()),
                Duration.ofSeconds(4));

        // Its submitter is told why it waits, as the attempt it waits to become, and told once while that holds.
        var told = EventBusProbe.await(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(second.jobId()), PATIENCE);
        assertEquals(JobPhase.Pending, told.phase());
        assertEquals(1, told.attempt());
        assertTrue(told.message().startsWith("waiting for 1 cpu; the most free on any live worker is 0 cpus ("),
                told.message());
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, worker, WorkerHeartbeat.of(worker, 1, GIB, 1, GIB));
        EventBusProbe.awaitConsumed("scheduler.heartbeat", Topics.WORKER_HEARTBEAT, PATIENCE);
        assertThrows(AssertionError.class, () -> EventBusProbe.awaitAll(Topics.JOB_STATUS_REPORTED,
                JobStatusReported.class, e -> e.jobId().equals(second.jobId()), 2, Duration.ofSeconds(3)),
                "told again though the reason is the same");

        EventBusProbe.publish(Topics.JOB_COMPLETED, first.jobId(),
                JobCompleted.of(first.jobId(), 1, worker, JobPhase.Succeeded, JobReason.Completed, 0, "done",
                        List.of(), null, null));
        assertEquals(worker, scheduled(second.jobId()).workerId());
    }

    /**
     * The test profile places at most three jobs a round and runs no periodic round for an hour, so only rounds
     * repeating while full can place all seven after the one heartbeat that makes room.
     */
    @Test
    void queueLongerThanARoundDrainsAfterOneEvent() {
        var queued = new ArrayList<JobSubmitted>();
        for (int i = 0; i < 7; i++) {
            queued.add(submit(1.0, "1G"));
        }
        EventBusProbe.awaitConsumed("scheduler.submitted", Topics.JOB_SUBMITTED, PATIENCE);

        String worker = worker(7, 7 * GIB, 1, GIB);

        queued.forEach(job -> assertEquals(worker, scheduled(job.jobId()).workerId()));
    }

    @Test
    void replayedSubmissionIsPlacedOnce() {
        worker(2, 2 * GIB, 1, GIB);
        var submitted = submit(null, null);
        EventBusProbe.publish(Topics.JOB_SUBMITTED, submitted.jobId(), submitted);

        var placed = scheduled(submitted.jobId());
        assertEquals(1.0, placed.cpus(), "the default request when the spec names none");
        assertEquals(512L << 20, placed.memoryBytes());
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class,
                e -> e.jobId().equals(submitted.jobId()) && !e.eventId().equals(placed.eventId()),
                Duration.ofSeconds(4));
    }

    @Test
    void queuedJobTerminatedByItsSubmitterEndsFailedAndIsNeverPlaced() {
        var submitted = submit(1.0, "1G");
        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, submitted.jobId(),
                JobTerminationRequested.of(submitted.jobId(), "Isubmitter"));

        var ended = EventBusProbe.await(Topics.JOB_COMPLETED, JobCompleted.class,
                e -> e.jobId().equals(submitted.jobId()), PATIENCE);
        assertEquals(JobPhase.Failed, ended.phase());
        assertTrue(ended.message().contains("terminated"), ended.message());

        worker(2, 2 * GIB, 1, GIB);
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(submitted.jobId()),
                Duration.ofSeconds(4));
    }

    @Test
    void terminationThatOvertakesTheSubmissionStillStopsTheJob() {
        String jobId = "J" + UUID.randomUUID();
        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, jobId, JobTerminationRequested.of(jobId, "Isubmitter"));
        EventBusProbe.await(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(jobId), PATIENCE);

        worker(2, 2 * GIB, 1, GIB);
        EventBusProbe.publish(Topics.JOB_SUBMITTED, jobId, JobSubmitted.of(jobId, "Isubmitter", new JobSpec("late",
                "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, null, null, null)));
        EventBusProbe.assertNone(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(jobId),
                Duration.ofSeconds(4));
    }

    @Test
    void terminatingAPlacedJobIsLeftToItsWorker() {
        worker(2, 2 * GIB, 1, GIB);
        var submitted = submit(1.0, "1G");
        scheduled(submitted.jobId());

        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, submitted.jobId(),
                JobTerminationRequested.of(submitted.jobId(), "Isubmitter"));

        EventBusProbe.assertNone(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(submitted.jobId()),
                Duration.ofSeconds(3));
    }

    /**
     * A placement and its JobScheduled are one commit: while its event cannot be recorded (the outbox table is
     * away), the round places nothing, and the job is placed once the table is back.
     */
    @Test
    void roundThatCannotRecordItsEventsPlacesNothing() throws Exception {
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"));
                var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE outbox RENAME TO outbox_away");
            String jobId;
            try {
                jobId = submit(1.0, "1G").jobId();
                EventBusProbe.awaitConsumed("scheduler.submitted", Topics.JOB_SUBMITTED, PATIENCE);
                worker(2, 2 * GIB, 1, GIB);
                EventBusProbe.awaitConsumed("scheduler.heartbeat", Topics.WORKER_HEARTBEAT, PATIENCE);
                Thread.sleep(1_000);
                try (var state = statement.executeQuery(
                        "SELECT state, attempt FROM queued_jobs WHERE job_id = '" + jobId + "'")) {
                    assertTrue(state.next());
                    assertEquals("QUEUED", state.getString(1));
                    assertEquals(0, state.getInt(2));
                }
            } finally {
                statement.execute("ALTER TABLE outbox_away RENAME TO outbox");
            }
            worker(2, 2 * GIB, 1, GIB);
            assertEquals(1, scheduled(jobId).attempt());
        }
    }
}
