package dev.parcel.executor;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.ContainerDriver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Containers in memory. A job's first {@code cmd} says what its container does once started: {@code exit N} exits
 * with N at once, anything else runs until killed or {@link #exit}. Steps can be made to fail, the engine to be
 * away, and every call is on the {@link Timeline}. Containers outlive the executor, as Docker's do: a test that
 * restarts the executor hands the same driver to the new one.
 */
final class FakeDriver implements ContainerDriver {
    final Map<AttemptId, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, Exception> failures = new ConcurrentHashMap<>();
    private final Map<String, Exception> nextFailures = new ConcurrentHashMap<>();
    private final Timeline timeline;
    volatile boolean engineDown;
    /** Runs when a container is started, after it started: to race a termination with the start. */
    volatile Consumer<JobScheduled> afterStart = job -> {
    };

    FakeDriver(Timeline timeline) {
        this.timeline = timeline;
    }

    static final class Container {
        final JobScheduled placement;
        volatile State state = State.CREATED;
        volatile Instant startedAt;
        final CompletableFuture<Exit> exit = new CompletableFuture<>();

        Container(JobScheduled placement) {
            this.placement = placement;
        }
    }

    /** Makes every call of {@code step} ("create", "stage", "start", "collect") throw {@code failure}. */
    void failAt(String step, Exception failure) {
        failures.put(step, failure);
    }

    /** Makes the next call of {@code step} throw {@code failure}, and only that one. */
    void failOnceAt(String step, Exception failure) {
        nextFailures.put(step, failure);
    }

    /** The container exits with {@code code}, as if its command ended. */
    void exit(JobScheduled job, int code) {
        var container = containers.get(AttemptId.of(job));
        container.state = State.EXITED;
        container.exit.complete(new Exit(code, false));
    }

    /** A container as a crashed executor left it. */
    void leave(JobScheduled job, State state) {
        var container = new Container(job);
        container.state = state;
        if (state != State.CREATED) {
            container.startedAt = Instant.now();
        }
        if (state == State.EXITED) {
            container.exit.complete(new Exit(exitCodeOf(job).orElse(0), false));
        }
        containers.put(AttemptId.of(job), container);
    }

    State stateOf(JobScheduled job) {
        var container = containers.get(AttemptId.of(job));
        return container == null ? null : container.state;
    }

    @Override
    public void create(JobScheduled job) throws NotRunnable, IOException {
        step("create", job);
        if (containers.putIfAbsent(AttemptId.of(job), new Container(job)) != null) {
            throw new IllegalStateException("container of " + AttemptId.of(job) + " exists already");
        }
    }

    @Override
    public void stageInputs(JobScheduled job) throws NotRunnable, IOException {
        step("stage", job);
    }

    @Override
    public void start(JobScheduled job) {
        try {
            step("start", job);
        } catch (NotRunnable | IOException e) {
            throw new IllegalStateException(e);
        }
        var container = container(job);
        container.startedAt = Instant.now();
        container.state = State.RUNNING;
        exitCodeOf(job).ifPresent(code -> exit(job, code));
        afterStart.accept(job);
    }

    @Override
    public Optional<Exit> awaitExit(JobScheduled job, Duration limit) throws InterruptedException {
        engineMustAnswer();
        timeline.add("await " + AttemptId.of(job));
        var container = container(job);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            engineMustAnswer();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(container.exit.get(Math.min(left, 20_000_000L), TimeUnit.NANOSECONDS));
            } catch (TimeoutException stillRunning) {
                // look at the engine again
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void kill(JobScheduled job, Duration grace) {
        engineMustAnswer();
        timeline.add("kill " + AttemptId.of(job));
        var container = containers.get(AttemptId.of(job));
        if (container != null && container.state == State.RUNNING) {
            container.state = State.EXITED;
            container.exit.complete(new Exit(137, false));
        }
    }

    @Override
    public List<JobCompleted.OutputDocument> collectOutputs(JobScheduled job) throws IOException {
        try {
            step("collect", job);
        } catch (NotRunnable e) {
            throw new IllegalStateException(e);
        }
        var outputs = job.spec().outputDocuments() == null ? List.<dev.parcel.events.JobSpec.OutputDocument>of()
                : job.spec().outputDocuments();
        return outputs.stream().map(output -> new JobCompleted.OutputDocument(
                "D-" + AttemptId.of(job) + "-" + output.mountPath(), output.mountPath())).toList();
    }

    @Override
    public void followLogs(JobScheduled job, boolean resumed) {
        timeline.add((resumed ? "follow logs again " : "follow logs ") + AttemptId.of(job));
    }

    @Override
    public void awaitLogs(JobScheduled job) {
        timeline.add("logs stored " + AttemptId.of(job));
    }

    @Override
    public void destroy(JobScheduled job) {
        engineMustAnswer();
        containers.remove(AttemptId.of(job));
        timeline.add("destroy " + AttemptId.of(job));
    }

    @Override
    public List<Found> recover() {
        engineMustAnswer();
        timeline.add("recover");
        return containers.values().stream().map(container -> new Found(container.placement, container.state,
                Optional.ofNullable(container.startedAt))).toList();
    }

    @Override
    public boolean engineAnswers() {
        return !engineDown;
    }

    private void step(String step, JobScheduled job) throws NotRunnable, IOException {
        engineMustAnswer();
        timeline.add(step + " " + AttemptId.of(job));
        Exception once = nextFailures.remove(step);
        Exception failure = once != null ? once : failures.get(step);
        if (failure instanceof NotRunnable notRunnable) {
            throw notRunnable;
        } else if (failure instanceof IOException io) {
            throw io;
        } else if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    private Container container(JobScheduled job) {
        var container = containers.get(AttemptId.of(job));
        if (container == null) {
            throw new IllegalStateException("no container of " + AttemptId.of(job));
        }
        return container;
    }

    private void engineMustAnswer() {
        if (engineDown) {
            throw new EngineUnreachable(new IOException("connection refused"));
        }
    }

    private static Optional<Integer> exitCodeOf(JobScheduled job) {
        String command = job.spec().cmd().get(0);
        return command.startsWith("exit ") ? Optional.of(Integer.parseInt(command.substring(5))) : Optional.empty();
    }
}
