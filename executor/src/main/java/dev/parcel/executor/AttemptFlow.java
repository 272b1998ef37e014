package dev.parcel.executor;

import dev.parcel.events.JobScheduled;
import dev.parcel.events.jobspec.JobSpecRules;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.AttemptJournal;
import dev.parcel.executor.domain.AttemptTracer;
import dev.parcel.executor.domain.ContainerDriver;
import dev.parcel.executor.domain.ContainerDriver.EngineUnreachable;
import dev.parcel.executor.domain.ContainerDriver.Exit;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.domain.OutcomeReporter;
import dev.parcel.executor.domain.OutputLimitExceeded;
import dev.parcel.executor.domain.RunLimit;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One attempt on this worker, from its placement (or from what a restart found of it) to its reported outcome and
 * its removed sandbox, over a {@link ContainerDriver}. The sandbox outlives the report: it is destroyed only after
 * the broker acknowledged the outcome and the journal says so, so a crash or a broker outage at any point leaves
 * the attempt for the next start to finish, never lost. Two things end an attempt from outside: its submitter's
 * termination (reported as such) and a newer attempt of the job (not reported at all: the attempt number fences
 * it). A worker that stops leaves its attempts as they are, for its next start. The attempt and its steps are
 * spans in the trace its placement came in ({@link AttemptTracer}).
 */
final class AttemptFlow {
    private static final Logger LOG = Logger.getLogger(AttemptFlow.class);

    /** {@code firstPause} doubling to {@code longestPause}: how long to wait before asking the engine or broker again. */
    record Settings(String workerId, Duration maxRunTime, Duration killGrace, boolean issuesJobTokens,
            Duration firstPause, Duration longestPause) {
    }

    private final JobScheduled job;
    /** The W3C traceparent its placement came with; null when there was none. */
    private final String traceparent;
    private final ContainerDriver driver;
    private final AttemptTracer tracer;
    private final AttemptJournal journal;
    private final OutcomeReporter reporter;
    private final Settings settings;
    private final BooleanSupplier stopping;
    /** When its command was started; null until then. */
    private volatile Instant startedAt;
    /** When its container was seen to have exited, or was killed for its run limit. */
    private volatile Instant exitedAt;
    private volatile boolean superseded;

    AttemptFlow(JobScheduled job, String traceparent, ContainerDriver driver, AttemptTracer tracer,
            AttemptJournal journal, OutcomeReporter reporter, Settings settings, BooleanSupplier stopping) {
        this.job = job;
        this.traceparent = traceparent;
        this.driver = driver;
        this.tracer = tracer;
        this.journal = journal;
        this.reporter = reporter;
        this.settings = settings;
        this.stopping = stopping;
    }

    /**
     * Runs the attempt from its beginning. {@code afterCrash}: an earlier run may have left part of a sandbox (the
     * executor died while it pulled the image or made the network), which is removed first.
     */
    void run(boolean afterCrash) {
        settle(() -> {
            if (afterCrash) {
                withEngine(() -> driver.destroy(job));
            }
            return startAndAwait();
        });
    }

    /** Takes back an attempt whose container a restart found started: it is awaited for what is left of its time. */
    void resume(Instant startedAt) {
        this.startedAt = startedAt;
        LOG.infof("job %s attempt %d: taking it back after a restart", job.jobId(), job.attempt());
        settle(() -> {
            driver.followLogs(job, true);
            return awaitAndCollect();
        });
    }

    /**
     * Kills a started container (the journal says why: a termination, or a newer attempt); one not started yet
     * never starts, since the flow asks the journal before and after the start. Takes the grace period.
     */
    void killIfStarted() {
        if (startedAt != null) {
            killQuietly();
        }
    }

    /** A newer attempt of the job was placed (the journal says so already): this one ends unreported. */
    void supersede() {
        superseded = true;
        LOG.infof("job %s attempt %d: a newer attempt was placed; dropping this one unreported", job.jobId(),
                job.attempt());
    }

    @FunctionalInterface
    private interface Steps {
        /** The outcome; empty when the attempt was superseded and has nothing to report. */
        Optional<JobOutcome> run() throws InterruptedException;
    }

    /** Reports the outcome until acknowledged, records that, then destroys the sandbox; a stop leaves all of it. */
    private void settle(Steps steps) {
        MDC.put("jobId", job.jobId());
        MDC.put("attempt", job.attempt());
        try (var attempt = tracer.attempt(job, traceparent)) {
            var outcome = steps.run().map(ended -> ended.between(startedAt, exitedAt == null ? Instant.now()
                    : exitedAt));
            if (outcome.isPresent() && !superseded && reportUntilAcknowledged(outcome.get())) {
                journal.markReported(AttemptId.of(job));
            }
            withEngine(() -> driver.destroy(job));
        } catch (InterruptedException stopped) {
            LOG.infof("job %s attempt %d: left as it is for the next start", job.jobId(), job.attempt());
        } catch (RuntimeException e) {
            // The journal could not be written: the attempt stays unsettled, and the next start finishes it.
            LOG.errorf(e, "job %s attempt %d: could not be settled", job.jobId(), job.attempt());
        } finally {
            MDC.remove("jobId");
            MDC.remove("attempt");
        }
    }

    private Optional<JobOutcome> startAndAwait() throws InterruptedException {
        if (journal.isTerminationRequested(job.jobId())) {
            return Optional.of(JobOutcome.terminated(false));
        }
        var refusal = refusal();
        if (refusal.isPresent()) {
            return Optional.of(JobOutcome.notStarted(refusal.get()));
        }
        while (true) {
            try {
                try (var step = tracer.step("create")) {
                    driver.create(job);
                }
                try (var step = tracer.step("stage")) {
                    driver.stageInputs(job);
                }
                if (superseded) {
                    return Optional.empty();
                }
                // Checked after staging and again after the start, so a termination racing the start is never lost.
                if (journal.isTerminationRequested(job.jobId())) {
                    return Optional.of(JobOutcome.terminated(false));
                }
                reportRunning();
                startedAt = Instant.now();
                try (var step = tracer.step("start")) {
                    driver.start(job);
                }
                driver.followLogs(job, false);
                break;
            } catch (EngineUnreachable e) {
                // The engine went away (a restart, say) while the attempt was set up: whatever part of it the
                // engine kept is removed once it answers, and the attempt is set up again from the start.
                awaitEngine(e);
                withEngine(() -> driver.destroy(job));
            } catch (ContainerDriver.NotRunnable e) {
                return Optional.of(JobOutcome.notStarted(e.getMessage()));
            } catch (IOException | RuntimeException e) {
                return Optional.of(failedOnTheWorker(e));
            }
        }
        if (journal.isTerminationRequested(job.jobId()) || superseded) {
            killQuietly();
        }
        return awaitAndCollect();
    }

    /** Waits for the container until the job's run limit, counted from its start, is up. */
    private Optional<JobOutcome> awaitAndCollect() throws InterruptedException {
        var limit = RunLimit.of(job.spec().timeout(), settings.maxRunTime());
        Instant deadline = startedAt.plus(limit.duration());
        if (journal.isTerminationRequested(job.jobId())) {
            withEngine(() -> driver.kill(job, settings.killGrace()));
        }
        Optional<Exit> exit;
        try (var step = tracer.step("wait")) {
            exit = withEngine(() -> driver.awaitExit(job, nonNegative(Duration.between(Instant.now(), deadline))));
        }
        if (superseded) {
            return Optional.empty();
        }
        if (exit.isEmpty()) {
            withEngine(() -> driver.kill(job, settings.killGrace()));
        }
        exitedAt = Instant.now();
        driver.awaitLogs(job);
        if (exit.isEmpty()) {
            return Optional.of(JobOutcome.exceeded(limit));
        }
        if (journal.isTerminationRequested(job.jobId())) {
            return Optional.of(JobOutcome.terminated(true));
        }
        var outcome = JobOutcome.ofExitedContainer(exit.get().code(), exit.get().oomKilled(), job.memoryBytes());
        try (var step = tracer.step("outputs")) {
            return Optional.of(outcome.withOutputs(withEngine(() -> driver.collectOutputs(job))));
        } catch (OutputLimitExceeded e) {
            return Optional.of(JobOutcome.outputsOverLimit(outcome.exitCode(), e.getMessage()));
        } catch (IOException | RuntimeException e) {
            return Optional.of(failedOnTheWorker(e));
        }
    }

    private JobOutcome failedOnTheWorker(Exception e) throws InterruptedException {
        if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the worker is stopping");
        }
        LOG.errorf(e, "job %s attempt %d failed on the worker", job.jobId(), job.attempt());
        return JobOutcome.notStarted("the worker could not run the job: " + e.getClass().getSimpleName());
    }

    /** Running is news, not a promise: a broker that does not take it delays nothing, the outcome still follows. */
    private void reportRunning() {
        try {
            reporter.running(job);
        } catch (RuntimeException e) {
            LOG.warnf("job %s attempt %d: Running was not acknowledged (%s); the outcome will follow", job.jobId(),
                    job.attempt(), e.getMessage());
        }
    }

    /** False when the attempt was superseded while its outcome waited for the broker. */
    private boolean reportUntilAcknowledged(JobOutcome outcome) throws InterruptedException {
        LOG.infof("job %s attempt %d: %s (%s)", job.jobId(), job.attempt(), outcome.phase(), outcome.message());
        var backoff = new Backoff(settings.firstPause(), settings.longestPause());
        boolean failedBefore = false;
        while (!superseded) {
            try {
                reporter.completed(job, outcome);
                if (failedBefore) {
                    LOG.infof("job %s attempt %d: its outcome was reported after all", job.jobId(), job.attempt());
                }
                return true;
            } catch (RuntimeException e) {
                if (stopping.getAsBoolean()) {
                    throw new InterruptedException("the worker is stopping");
                }
                if (!failedBefore) {
                    LOG.warnf("job %s attempt %d: its outcome was not acknowledged (%s); retrying until it is",
                            job.jobId(), job.attempt(), e.getMessage());
                    failedBefore = true;
                }
                backoff.pause();
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface EngineCall<T, E extends Exception> {
        T call() throws E, InterruptedException;
    }

    @FunctionalInterface
    private interface EngineAction {
        void call();
    }

    /**
     * Runs a call on the engine; while the engine does not answer, waits for it and asks again. With
     * {@code --live-restore} the containers run on while the engine restarts, so its absence says nothing about
     * the job, and the next answer (an exit, or a container still running) is the true one.
     */
    private <T, E extends Exception> T withEngine(EngineCall<T, E> call) throws E, InterruptedException {
        while (true) {
            try {
                return call.call();
            } catch (EngineUnreachable e) {
                awaitEngine(e);
            }
        }
    }

    private void withEngine(EngineAction action) throws InterruptedException {
        withEngine(() -> {
            action.call();
            return null;
        });
    }

    private void awaitEngine(EngineUnreachable failure) throws InterruptedException {
        LOG.warnf("job %s attempt %d: %s; waiting for it", job.jobId(), job.attempt(), failure.getMessage());
        var backoff = new Backoff(settings.firstPause(), settings.longestPause());
        do {
            backoff.pause();
        } while (!driver.engineAnswers());
        LOG.infof("job %s attempt %d: the container engine answers again", job.jobId(), job.attempt());
    }

    /** A kill that fails is not retried here: the flow's own wait for the container will see to it. */
    private void killQuietly() {
        try {
            driver.kill(job, settings.killGrace());
        } catch (RuntimeException e) {
            LOG.warnf("job %s attempt %d: could not kill its container yet: %s", job.jobId(), job.attempt(),
                    e.getMessage());
        }
    }

    private static Duration nonNegative(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** Why the job cannot run here at all, before anything is made for it. */
    private Optional<String> refusal() {
        var problems = JobSpecRules.problemsWith(job.spec());
        if (!problems.isEmpty()) {
            return Optional.of(String.join("; ", problems));
        }
        var spec = job.spec();
        boolean needsToken = (spec.inputDocuments() != null && !spec.inputDocuments().isEmpty())
                || (spec.outputDocuments() != null && !spec.outputDocuments().isEmpty())
                || (spec.networkPolicy() != null && Boolean.TRUE.equals(spec.networkPolicy().parcelApiAccess()));
        if (needsToken && !settings.issuesJobTokens()) {
            return Optional.of("this worker cannot give jobs access to documents or the API: it has no job-token"
                    + " signing key");
        }
        return Optional.empty();
    }
}
