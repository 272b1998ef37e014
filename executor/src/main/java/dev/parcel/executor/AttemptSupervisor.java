package dev.parcel.executor;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.AttemptJournal;
import dev.parcel.executor.domain.AttemptTracer;
import dev.parcel.executor.domain.ContainerDriver;
import dev.parcel.executor.domain.ContainerDriver.EngineUnreachable;
import dev.parcel.executor.domain.ContainerDriver.Found;
import dev.parcel.executor.domain.ContainerDriver.State;
import dev.parcel.executor.domain.OutcomeReporter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The attempts of this worker: takes placements (once the journal holds them), hears terminations, fences attempts
 * the scheduler placed again, and on start finishes what the journal and the engine say was left. Each attempt runs
 * as an {@link AttemptFlow} on a thread of its own, since it mostly waits on its container. Flows wait for the
 * recovery to end before they touch the engine, because recovery removes what no attempt it knows of accounts for.
 */
final class AttemptSupervisor {
    private static final Logger LOG = Logger.getLogger(AttemptSupervisor.class);

    private final ContainerDriver driver;
    private final AttemptTracer tracer;
    private final AttemptJournal journal;
    private final OutcomeReporter reporter;
    private final AttemptFlow.Settings settings;
    private final ExecutorService threads;
    private final Map<AttemptId, AttemptFlow> live = new ConcurrentHashMap<>();
    private final CountDownLatch recovered = new CountDownLatch(1);
    private volatile boolean stopping;

    AttemptSupervisor(ContainerDriver driver, AttemptTracer tracer, AttemptJournal journal, OutcomeReporter reporter,
            AttemptFlow.Settings settings, ExecutorService threads) {
        this.driver = driver;
        this.tracer = tracer;
        this.journal = journal;
        this.reporter = reporter;
        this.settings = settings;
        this.threads = threads;
    }

    /**
     * Any placement on the bus: an older attempt of its job held here is superseded, and one for this worker is
     * journaled and run. False when this worker is stopping and took nothing: the placement must not be
     * acknowledged, so that it is delivered again after the restart. {@code traceparent}: the trace the placement
     * came in (null: none), which its attempt joins.
     */
    boolean placed(JobScheduled placement, String traceparent) {
        if (stopping) {
            return false;
        }
        supersedeOlderThan(placement);
        if (settings.workerId().equals(placement.workerId()) && journal.accept(placement)) {
            startFlow(placement, traceparent, flow -> flow.run(false));
        }
        return true;
    }

    /** Journaled before anything else, so that a placement arriving later, even after a restart, never starts. */
    void terminationRequested(String jobId) {
        journal.requestTermination(jobId);
        for (JobScheduled attempt : journal.unsettled(jobId)) {
            var flow = live.get(AttemptId.of(attempt));
            if (flow != null) {
                LOG.infof("job %s: terminating it at its submitter's request", jobId);
                killOffTheConsumersThread(flow);
            }
        }
    }

    /**
     * Finishes what an earlier run of this executor left: an accepted attempt with no container, or one whose
     * container was never started, runs from the beginning (the executor died while it pulled, made the network or
     * created the container); a started one is awaited and an exited one reported; the sandbox of an attempt
     * already reported or superseded is destroyed. A container the journal does not know (left by an executor that
     * kept no journal) is taken back from the placement on its label. Running it again is harmless.
     *
     * @param placedWhileAway the placements on the bus behind the last one this worker acknowledged: the scheduler
     *     may have placed a job of this worker again elsewhere after its lease ended, and what it superseded must not
     *     be collected or reported
     */
    void recover(List<JobScheduled> placedWhileAway) {
        long began = System.nanoTime();
        placedWhileAway.forEach(this::supersedeOlderThan);
        Map<AttemptId, Found> found = new HashMap<>();
        int removed = 0;
        for (Found container : foundOnThisWorker()) {
            var id = AttemptId.of(container.placement());
            if (journal.settled(id).isPresent()) {
                threads.submit(() -> destroyQuietly(container.placement()));
                removed++;
            } else {
                journal.accept(container.placement());
                found.put(id, container);
            }
        }
        int rerun = 0;
        int resumed = 0;
        for (JobScheduled attempt : journal.unsettled()) {
            var container = found.get(AttemptId.of(attempt));
            if (container == null || container.state() == State.CREATED) {
                startFlow(attempt, null, flow -> flow.run(true));
                rerun++;
            } else {
                startFlow(attempt, null, flow -> flow.resume(container.startedAt().orElseThrow()));
                resumed++;
            }
        }
        recovered.countDown();
        LOG.infof("recovered in %d ms after %d placements made while away: %d attempts resumed, %d run again,"
                + " %d settled sandboxes removed", (System.nanoTime() - began) / 1_000_000, placedWhileAway.size(),
                resumed, rerun, removed);
    }

    /** Takes no more placements and leaves every attempt as it is, its container running, for the next start. */
    void stop() {
        stopping = true;
        threads.shutdownNow();
    }

    private void supersedeOlderThan(JobScheduled placement) {
        for (JobScheduled older : journal.unsettled(placement.jobId())) {
            if (older.attempt() < placement.attempt()) {
                supersede(older);
            }
        }
    }

    private void supersede(JobScheduled older) {
        journal.markSuperseded(AttemptId.of(older));
        var flow = live.get(AttemptId.of(older));
        if (flow != null) {
            flow.supersede();
            killOffTheConsumersThread(flow);
        }
    }

    /** A kill waits out the grace period, which a consumer's thread (an event loop) must not. */
    private void killOffTheConsumersThread(AttemptFlow flow) {
        try {
            threads.execute(flow::killIfStarted);
        } catch (RejectedExecutionException stopping) {
            // The journal holds the reason; the next start kills the container.
        }
    }

    /** Recovery has no trace to give: the journal and the containers' labels do not keep the placements' traces. */
    private void startFlow(JobScheduled attempt, String traceparent, Consumer<AttemptFlow> step) {
        var id = AttemptId.of(attempt);
        var flow = new AttemptFlow(attempt, traceparent, driver, tracer, journal, reporter, settings,
                () -> stopping);
        if (live.putIfAbsent(id, flow) != null) {
            return;
        }
        threads.submit(() -> {
            try {
                recovered.await();
                step.accept(flow);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            } finally {
                live.remove(id, flow);
            }
        });
    }

    /** The engine may be restarting as this executor starts; recovery waits for it rather than skipping. */
    private List<Found> foundOnThisWorker() {
        return new Backoff(settings.firstPause(), settings.longestPause())
                .untilAnswered("recovery waits for the container engine", EngineUnreachable.class::isInstance,
                        driver::recover)
                .orElse(List.of());
    }

    private void destroyQuietly(JobScheduled settled) {
        try {
            driver.destroy(settled);
        } catch (RuntimeException e) {
            LOG.warnf("could not remove the sandbox of settled attempt %s: %s", AttemptId.of(settled),
                    e.getMessage());
        }
    }
}
