package dev.parcel.executor;

import static dev.parcel.executor.TestWorker.OTHER_WORKER;
import static dev.parcel.executor.TestWorker.PATIENCE;
import static dev.parcel.executor.TestWorker.THIS_WORKER;
import static dev.parcel.executor.TestWorker.placement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.AttemptJournal.Settled;
import dev.parcel.executor.domain.ContainerDriver.State;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers come and go: crashes, restarts, graceful stops, and attempts the scheduler placed again elsewhere. */
class AttemptFlowRecoveryTest {
    @TempDir
    Path stateDir;
    private final Timeline timeline = new Timeline();
    private final FakeDriver driver = new FakeDriver(timeline);
    private final FakeReporter reporter = new FakeReporter(timeline);
    private final List<TestWorker> workers = new ArrayList<>();

    /** A new executor process on the same state directory and Docker host, not yet recovered. */
    private TestWorker restart() {
        var worker = new TestWorker(stateDir, driver, reporter);
        workers.add(worker);
        return worker;
    }

    private TestWorker started() {
        var worker = restart();
        worker.supervisor.recover(List.of());
        return worker;
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (var worker : workers) {
            worker.close();
        }
    }

    private String completion(JobScheduled job) throws InterruptedException {
        return timeline.await("completed " + AttemptId.of(job), PATIENCE);
    }

    @Test
    void attemptAcceptedButKilledBeforeItsContainerExistedRunsAfterTheRestart() throws Exception {
        var job = placement("exit 0");
        restart().journal.accept(job);

        started();

        assertTrue(completion(job).endsWith("Succeeded: command exited with exit code 0"), completion(job));
        assertEquals(1, timeline.count("start " + AttemptId.of(job)));
    }

    @Test
    void containerCreatedButNeverStartedRunsAfterTheRestart() throws Exception {
        var job = placement("exit 0");
        restart().journal.accept(job);
        driver.leave(job, State.CREATED);

        started();

        assertTrue(completion(job).endsWith("Succeeded: command exited with exit code 0"), completion(job));
        assertTrue(timeline.indexOf("destroy " + AttemptId.of(job)) < timeline.indexOf("create " + AttemptId.of(job)),
                "the half-made sandbox is removed before it is made again: " + timeline.entries());
    }

    @Test
    void containerStillRunningIsAwaitedAndOneThatExitedIsReported() throws Exception {
        var running = placement("run");
        var exited = placement("exit 5");
        var journal = restart().journal;
        journal.accept(running);
        journal.accept(exited);
        driver.leave(running, State.RUNNING);
        driver.leave(exited, State.EXITED);

        started();

        assertTrue(completion(exited).endsWith("Failed: command failed with exit code 5"), completion(exited));
        timeline.await("await " + AttemptId.of(running), PATIENCE);
        assertFalse(timeline.contains("start " + AttemptId.of(running)));
        driver.exit(running, 0);
        assertTrue(completion(running).endsWith("Succeeded: command exited with exit code 0"));
    }

    @Test
    void crashAfterTheReportDestroysTheSandboxWithoutReportingAgain() throws Exception {
        var job = placement("exit 0");
        var before = restart();
        before.journal.accept(job);
        driver.leave(job, State.EXITED);
        before.journal.markReported(AttemptId.of(job));

        started();

        timeline.await("destroy " + AttemptId.of(job), PATIENCE);
        assertTrue(reporter.completed.isEmpty());
    }

    @Test
    void placementReplayedAfterItsOutcomeWasReportedIsNotRunAgain() throws Exception {
        var job = placement("exit 0");
        var first = started();
        first.supervisor.placed(job, null);
        completion(job);
        timeline.await("destroy " + AttemptId.of(job), PATIENCE);
        first.killNine();

        started().supervisor.placed(job, null);
        Thread.sleep(200);

        assertEquals(1, timeline.count("create " + AttemptId.of(job)));
    }

    @Test
    void containerTheJournalDoesNotKnowIsTakenBackFromItsLabel() throws Exception {
        var job = placement("exit 2");
        driver.leave(job, State.EXITED);

        var worker = started();

        assertTrue(completion(job).endsWith("Failed: command failed with exit code 2"), completion(job));
        timeline.await("destroy " + AttemptId.of(job), PATIENCE);
        assertEquals(Settled.REPORTED, worker.journal.settled(AttemptId.of(job)).orElseThrow());
    }

    @Test
    void attemptPlacedAgainElsewhereIsKilledAndNotReported() throws Exception {
        var first = placement("J-superseded", 1, THIS_WORKER, "run");
        var worker = started();
        worker.supervisor.placed(first, null);
        timeline.await("await " + AttemptId.of(first), PATIENCE);

        worker.supervisor.placed(placement("J-superseded", 2, OTHER_WORKER, "run"), null);

        timeline.await("destroy " + AttemptId.of(first), PATIENCE);
        Thread.sleep(100);
        assertTrue(reporter.completed.isEmpty(), "a superseded attempt reports nothing: " + timeline.entries());
        assertEquals(Settled.SUPERSEDED, worker.journal.settled(AttemptId.of(first)).orElseThrow());
    }

    @Test
    void attemptSupersededWhileTheWorkerWasDownIsNotResumed() throws Exception {
        var first = placement("J-superseded", 1, THIS_WORKER, "run");
        var before = restart();
        before.journal.accept(first);
        driver.leave(first, State.RUNNING);

        var worker = restart();
        worker.supervisor.placed(placement("J-superseded", 2, OTHER_WORKER, "run"), null);
        worker.supervisor.recover(List.of());

        timeline.await("destroy " + AttemptId.of(first), PATIENCE);
        Thread.sleep(100);
        assertFalse(timeline.contains("await " + AttemptId.of(first)));
        assertTrue(reporter.completed.isEmpty());
    }

    /**
     * The worker was killed, lost its lease, and its job ran again elsewhere while it was away; the new placement is
     * on the bus behind the last one this worker acknowledged. Recovery reads it before it touches the attempt, so
     * the attempt's outputs are not collected (uploaded a second time) nor its outcome reported.
     */
    @Test
    void exitedAttemptPlacedAgainWhileTheWorkerWasAwayIsNeitherCollectedNorReported() throws Exception {
        var first = placement("J-away", 1, THIS_WORKER, "run");
        restart().journal.accept(first);
        driver.leave(first, State.EXITED);

        var worker = restart();
        worker.supervisor.recover(List.of(placement("J-away", 2, OTHER_WORKER, "run")));

        timeline.await("destroy " + AttemptId.of(first), PATIENCE);
        Thread.sleep(100);
        assertFalse(timeline.contains("collect " + AttemptId.of(first)), timeline.entries().toString());
        assertTrue(reporter.completed.isEmpty(), "a superseded attempt reports nothing: " + timeline.entries());
        assertEquals(Settled.SUPERSEDED, worker.journal.settled(AttemptId.of(first)).orElseThrow());
    }

    @Test
    void gracefulStopLeavesRunningJobsRunningAndTheNextStartReportsThem() throws Exception {
        var job = placement("run");
        var first = started();
        first.supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);

        first.supervisor.stop();
        Thread.sleep(200);

        assertTrue(reporter.completed.isEmpty(), "a stopping worker reports nothing: " + timeline.entries());
        assertEquals(State.RUNNING, driver.stateOf(job));
        assertFalse(first.supervisor.placed(placement("exit 0"), null), "a stopping worker takes no placement");
        driver.exit(job, 0);

        started();

        assertTrue(completion(job).endsWith("Succeeded: command exited with exit code 0"), completion(job));
    }

    @Test
    void terminationHeardWhileTheWorkerWasStoppingEndsTheJobAfterTheRestart() throws Exception {
        var job = placement("run");
        var first = started();
        first.supervisor.placed(job, null);
        timeline.await("await " + AttemptId.of(job), PATIENCE);
        first.supervisor.stop();
        first.journal.requestTermination(job.jobId());

        started();

        assertTrue(completion(job).endsWith("Failed: terminated by its submitter while it ran"), completion(job));
    }
}
