package dev.parcel.executor.domain;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobScheduled;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What runs an attempt's container on this worker: a sandbox per attempt (the container with its network and
 * volumes), named after the attempt so that a restarted executor finds it again. The attempt's flow is written
 * against this and nothing else, so every path through it can be driven by a fake.
 */
public interface ContainerDriver {

    /** Creates the attempt's container, volumes and (if its policy needs one) network, not started. */
    void create(JobScheduled job) throws NotRunnable, IOException, InterruptedException;

    /** Puts the job's input documents where the container will read them. */
    void stageInputs(JobScheduled job) throws NotRunnable, IOException, InterruptedException;

    void start(JobScheduled job);

    /**
     * Starts storing what the started container prints, as it prints it; {@code resumed}: the executor restarted
     * while it ran, and follows it again.
     */
    void followLogs(JobScheduled job, boolean resumed);

    /**
     * Waits until what the ended container printed is stored, at most the worker's setting: a document-store that
     * does not take it delays the outcome that long, and what it did not take is lost.
     */
    void awaitLogs(JobScheduled job) throws InterruptedException;

    /** Waits at most {@code limit} for the container to exit; empty when it still runs. Immediate for an exited one. */
    Optional<Exit> awaitExit(JobScheduled job, Duration limit) throws InterruptedException;

    /** Asks the container to stop, and kills it after {@code grace}; one that is not running is left as it is. */
    void kill(JobScheduled job, Duration grace);

    /** Uploads every declared output the container left; a repeated call makes no second document of any output. */
    List<JobCompleted.OutputDocument> collectOutputs(JobScheduled job) throws IOException, InterruptedException;

    /** Removes the container, its volumes and network; what is not there is skipped. */
    void destroy(JobScheduled job);

    /**
     * The attempts whose containers exist on this worker, after a restart; everything else this worker made and
     * no attempt accounts for (a stager, a volume, a network, firewall rules) is removed.
     */
    List<Found> recover();

    /** Whether the engine answers now; after it did not, the flow waits for this before it looks again. */
    boolean engineAnswers();

    /** How a container ended. The OOM flag matters more than the code: the main process may exit 0 after it. */
    record Exit(int code, boolean oomKilled) {
    }

    enum State { CREATED, RUNNING, EXITED }

    /** An attempt's container found on this worker; {@code startedAt} is empty for one never started. */
    record Found(JobScheduled placement, State state, Optional<Instant> startedAt) {
    }

    /** The job cannot run here at all; the message is the job's failure message, for its submitter to read. */
    final class NotRunnable extends Exception {
        public NotRunnable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The engine did not answer (it restarts, say). Containers outlive their engine's restart, so this says
     * nothing about the job: the flow waits for the engine and looks again.
     */
    final class EngineUnreachable extends RuntimeException {
        public EngineUnreachable(Throwable cause) {
            super("the container engine is unreachable: " + cause.getMessage(), cause);
        }
    }
}
