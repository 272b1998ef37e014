package dev.parcel.executor;

import static dev.parcel.executor.TestWorker.PATIENCE;
import static dev.parcel.executor.TestWorker.placement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.AttemptJournal.Settled;
import dev.parcel.executor.domain.ContainerDriver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One attempt's way from its placement to its reported outcome and removed sandbox, over a fake driver. */
class AttemptFlowTest {
    @TempDir
    Path stateDir;
    private final Timeline timeline = new Timeline();
    private final FakeDriver driver = new FakeDriver(timeline);
    private final FakeReporter reporter = new FakeReporter(timeline);
    private TestWorker worker;

    private TestWorker worker() {
        if (worker == null) {
            worker = TestWorker.started(stateDir, driver, reporter);
        }
        return worker;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.close();
        }
    }

    private String completion(JobScheduled job) throws InterruptedException {
        return timeline.await("completed " + AttemptId.of(job), PATIENCE);
    }

    private void awaitDestroyed(JobScheduled job) throws InterruptedException {
        timeline.await("destroy " + AttemptId.of(job), PATIENCE);
    }

    @Test
    void outcomeIsReportedBeforeTheSandboxIsDestroyed() throws Exception {
        var job = placement("exit 0");

        worker().supervisor.placed(job, null);

        assertEquals("completed " + AttemptId.of(job) + " Succeeded: command exited with exit code 0", completion(job));
        awaitDestroyed(job);
        assertTrue(timeline.indexOf("running " + AttemptId.of(job)) < timeline.indexOf("start " + AttemptId.of(job)));
        assertTrue(timeline.indexOf(completion(job)) < timeline.indexOf("destroy " + AttemptId.of(job)),
                "destroyed only after the outcome was acknowledged: " + timeline.entries());
        assertEquals(List.of(new dev.parcel.events.JobCompleted.OutputDocument("D-" + AttemptId.of(job) + "-result",
                "result")), reporter.completed.get(AttemptId.of(job)).outputDocuments());
        assertEquals(Settled.REPORTED, worker().journal.settled(AttemptId.of(job)).orElseThrow());
    }

    @Test
    void failingCommandIsReportedWithItsExitCode() throws Exception {
        var job = placement("exit 3");

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith("Failed: command failed with exit code 3"), completion(job));
        assertEquals(3, reporter.completed.get(AttemptId.of(job)).exitCode());
    }

    @Test
    void reportingIsRetriedUntilTheBrokerAcknowledgesAndOnlyThenIsTheSandboxDestroyed() throws Exception {
        var job = placement("exit 0");
        reporter.refusalsLeft.set(1_000_000);

        worker().supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);
        Thread.sleep(300);
        assertFalse(timeline.contains("destroy " + AttemptId.of(job)), "destroyed while its outcome was unreported");
        assertTrue(worker().journal.settled(AttemptId.of(job)).isEmpty());
        reporter.refusalsLeft.set(0);

        completion(job);
        awaitDestroyed(job);
        assertEquals(Settled.REPORTED, worker().journal.settled(AttemptId.of(job)).orElseThrow());
    }

    @Test
    void replayedPlacementRunsOnce() throws Exception {
        var job = placement("exit 0");

        worker().supervisor.placed(job, null);
        worker().supervisor.placed(job, null);
        completion(job);
        worker().supervisor.placed(job, null);
        awaitDestroyed(job);
        Thread.sleep(100);

        assertEquals(1, timeline.count("create " + AttemptId.of(job)));
        assertEquals(1, reporter.completed.size());
    }

    @Test
    void terminatedBeforeItsPlacementArrivesNeverStarts() throws Exception {
        var job = placement("exit 0");

        worker().supervisor.terminationRequested(job.jobId());
        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith("Failed: terminated by its submitter before it started"));
        assertFalse(timeline.contains("start " + AttemptId.of(job)));
        assertFalse(timeline.contains("running " + AttemptId.of(job)));
    }

    @Test
    void terminationRacingTheStartKillsTheContainer() throws Exception {
        var job = placement("run");
        driver.afterStart = started -> worker().supervisor.terminationRequested(started.jobId());

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith("Failed: terminated by its submitter while it ran"), completion(job));
        assertTrue(timeline.contains("kill " + AttemptId.of(job)));
        awaitDestroyed(job);
    }

    @Test
    void terminationWhileItRunsKillsTheContainer() throws Exception {
        var job = placement("run");
        worker().supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);

        worker().supervisor.terminationRequested(job.jobId());

        assertTrue(completion(job).endsWith("Failed: terminated by its submitter while it ran"), completion(job));
        awaitDestroyed(job);
    }

    @Test
    void containerOverTheTimeLimitIsKilled() throws Exception {
        worker = new TestWorker(stateDir, driver, reporter, Duration.ofMillis(300));
        worker.supervisor.recover(List.of());
        var job = placement("run");

        worker.supervisor.placed(job, null);

        assertTrue(completion(job).contains("Failed: killed: it ran longer than this worker's maximum run time"),
                completion(job));
        assertTrue(timeline.indexOf("kill " + AttemptId.of(job)) < timeline.indexOf(completion(job)));
        awaitDestroyed(job);
    }

    @Test
    void containerOverItsOwnTimeoutIsKilledWithinTheWorkersMaximum() throws Exception {
        var placed = placement("run");
        var spec = placed.spec();
        var job = JobScheduled.of(placed.jobId(), 1, TestWorker.THIS_WORKER, "Isubmitter", 0.5, 64L << 20,
                new JobSpec(spec.name(), spec.image(), spec.cmd(), null, null, spec.outputDocuments(), null, null,
                        null, "1s"));

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith("Failed: killed: it ran longer than its timeout of 1s"), completion(job));
        var reported = reporter.completed.get(AttemptId.of(job));
        assertEquals(JobReason.DeadlineExceeded, reported.reason());
        assertNull(reported.exitCode());
        assertTrue(Duration.between(reported.startedAt(), reported.finishedAt()).compareTo(Duration.ofSeconds(1))
                >= 0, reported.startedAt() + " to " + reported.finishedAt());
        assertTrue(timeline.indexOf("kill " + AttemptId.of(job)) < timeline.indexOf(completion(job)));
    }

    @Test
    void outcomeSaysWhyAndWhenForPrograms() throws Exception {
        var ran = placement("exit 3");
        var refused = JobScheduled.of("Jnever", 1, TestWorker.THIS_WORKER, "Isubmitter", 0.5, 64L << 20,
                new JobSpec("test", "parcel-test/busybox", List.of("exit 0"), java.util.Map.of("LD_PRELOAD", "x"),
                        null, null, null, null, null));

        worker().supervisor.placed(ran, null);
        worker().supervisor.placed(refused, null);
        completion(ran);
        completion(refused);

        var failed = reporter.completed.get(AttemptId.of(ran));
        assertEquals(JobReason.Error, failed.reason());
        assertFalse(failed.startedAt().isAfter(failed.finishedAt()), failed.startedAt() + " " + failed.finishedAt());
        var neverRan = reporter.completed.get(AttemptId.of(refused));
        assertEquals(JobReason.NotStarted, neverRan.reason());
        assertNull(neverRan.startedAt());
        assertTrue(neverRan.finishedAt() != null);
    }

    @Test
    void specTheWorkerRefusesCreatesNothing() throws Exception {
        var job = JobScheduled.of("Jrefused", 1, TestWorker.THIS_WORKER, "Isubmitter", 0.5, 64L << 20,
                new JobSpec("test", "parcel-test/busybox", List.of("exit 0"), java.util.Map.of("PATH", "/x"), null,
                        null, null, null, null));

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).contains("PATH"), completion(job));
        assertFalse(timeline.contains("create " + AttemptId.of(job)));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("create", new ContainerDriver.NotRunnable("image x has no ENTRYPOINT"),
                        "Failed: image x has no ENTRYPOINT"),
                Arguments.of("create", new IOException("disk full"),
                        "Failed: the worker could not run the job: IOException"),
                Arguments.of("stage", new ContainerDriver.NotRunnable("input document D1 is not available"),
                        "Failed: input document D1 is not available"),
                Arguments.of("stage", new IllegalStateException("archive refused"),
                        "Failed: the worker could not run the job: IllegalStateException"),
                Arguments.of("start", new IllegalStateException("start refused"),
                        "Failed: the worker could not run the job: IllegalStateException"),
                Arguments.of("collect", new IOException("document-store refused"),
                        "Failed: the worker could not run the job: IOException"));
    }

    @ParameterizedTest(name = "{0} fails with {1}")
    @MethodSource("failures")
    void failureAtAnyStepIsReportedAndTheSandboxDestroyed(String step, Exception failure, String reported)
            throws Exception {
        driver.failAt(step, failure);
        var job = placement("exit 0");

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith(reported), completion(job));
        awaitDestroyed(job);
        assertNull(driver.stateOf(job));
        assertEquals(Settled.REPORTED, worker().journal.settled(AttemptId.of(job)).orElseThrow());
    }

    @Test
    void engineRestartWhileTheJobRunsDoesNotFailIt() throws Exception {
        var job = placement("run");
        worker().supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);

        driver.engineDown = true;
        Thread.sleep(200);
        driver.exit(job, 0);
        driver.engineDown = false;

        assertTrue(completion(job).endsWith("Succeeded: command exited with exit code 0"), completion(job));
        awaitDestroyed(job);
    }

    /** A restart of the engine while the attempt is being set up: it is set up again, not failed. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"create", "stage", "start"})
    void engineGoneWhileTheJobStartsStartsItAgain(String step) throws Exception {
        var job = placement("exit 0");
        driver.failOnceAt(step, new ContainerDriver.EngineUnreachable(new IOException("no response")));

        worker().supervisor.placed(job, null);

        assertTrue(completion(job).endsWith("Succeeded: command exited with exit code 0"), completion(job));
        awaitDestroyed(job);
    }

    @Test
    void engineAwayWhenTheJobEndsDelaysItsReportOnly() throws Exception {
        var job = placement("run");
        worker().supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);

        driver.engineDown = true;
        driver.exit(job, 4);
        Thread.sleep(200);
        assertTrue(reporter.completed.isEmpty());
        driver.engineDown = false;

        assertTrue(completion(job).endsWith("Failed: command failed with exit code 4"), completion(job));
    }
}
