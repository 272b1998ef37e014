package dev.parcel.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.executor.persistence.FileAttemptJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One executor process over fakes: its journal is a real one in a directory of the test's, so a test restarts
 * the executor by starting another {@code TestWorker} on the same directory and driver ("kill -9" is simply
 * abandoning the first one: its threads are stopped without letting it do anything more).
 */
final class TestWorker implements AutoCloseable {
    static final String THIS_WORKER = "worker-a";
    static final String OTHER_WORKER = "worker-b";
    static final Duration PATIENCE = Duration.ofSeconds(5);
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    final FileAttemptJournal journal;
    final AttemptSupervisor supervisor;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    TestWorker(Path stateDir, FakeDriver driver, FakeReporter reporter, Duration maxRunTime) {
        journal = new FileAttemptJournal(stateDir, Duration.ofDays(1), JSON, Clock.systemUTC());
        supervisor = new AttemptSupervisor(driver, NoSpans.TRACER, journal, reporter,
                new AttemptFlow.Settings(THIS_WORKER, maxRunTime, Duration.ZERO, true, Duration.ofMillis(5),
                        Duration.ofMillis(50)), threads);
    }

    TestWorker(Path stateDir, FakeDriver driver, FakeReporter reporter) {
        this(stateDir, driver, reporter, Duration.ofSeconds(30));
    }

    /** A started worker: recovered, taking placements. */
    static TestWorker started(Path stateDir, FakeDriver driver, FakeReporter reporter) {
        var worker = new TestWorker(stateDir, driver, reporter);
        worker.supervisor.recover(List.of());
        return worker;
    }

    /** The process dies at once: no thread of it does anything more. */
    void killNine() {
        threads.shutdownNow();
    }

    /** Waits for the threads to end, so that none writes into the state directory as the test removes it. */
    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A placement whose container runs {@code command} (see {@link FakeDriver}). */
    static JobScheduled placement(String jobId, int attempt, String worker, String command) {
        return JobScheduled.of(jobId, attempt, worker, "Isubmitter", 0.5, 64L << 20,
                new JobSpec("test", "parcel-test/busybox", List.of(command), null, null,
                        List.of(new JobSpec.OutputDocument("result", null)), null, null, null));
    }

    static JobScheduled placement(String command) {
        return placement("J" + UUID.randomUUID(), 1, THIS_WORKER, command);
    }
}
