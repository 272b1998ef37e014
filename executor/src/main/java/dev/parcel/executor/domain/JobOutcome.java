package dev.parcel.executor.domain;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobTerminationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a job ended: its phase and reason, in the words its submitter reads in {@code status.message}, the documents
 * made from its outputs, and when its command started (null when it never did) and ended.
 */
public record JobOutcome(JobPhase phase, JobReason reason, Integer exitCode, String message,
        List<JobCompleted.OutputDocument> outputDocuments, Instant startedAt, Instant finishedAt) {

    private static JobOutcome failed(JobReason reason, Integer exitCode, String message) {
        return new JobOutcome(JobPhase.Failed, reason, exitCode, message, List.of(), null, null);
    }

    /**
     * The outcome of a container that ran. The OOM flag wins over the exit code: when the kernel kills a child
     * process for memory, the main process may still exit 0.
     */
    public static JobOutcome ofExitedContainer(int exitCode, boolean oomKilled, long memoryLimitBytes) {
        if (oomKilled) {
            return failed(JobReason.OOMKilled, exitCode,
                    "killed: out of memory (limit " + (memoryLimitBytes >> 20) + " MiB)");
        }
        if (exitCode == 0) {
            return new JobOutcome(JobPhase.Succeeded, JobReason.Completed, 0, "command exited with exit code 0",
                    List.of(), null, null);
        }
        return failed(JobReason.Error, exitCode, "command failed with exit code " + exitCode);
    }

    /** It ran, but its outputs are larger than the worker takes: none is kept, and the message names the limit. */
    public static JobOutcome outputsOverLimit(Integer exitCode, String why) {
        return failed(JobReason.Error, exitCode, "failed: " + why);
    }

    /** Its submitter terminated it; its outputs, if any, are not collected. */
    public static JobOutcome terminated(boolean started) {
        return failed(JobReason.Terminated, null, JobTerminationRequested.TERMINATED_MESSAGE
                + (started ? " while it ran" : " before it started"));
    }

    /** It ran longer than its run limit allows, and was killed. */
    public static JobOutcome exceeded(RunLimit limit) {
        return failed(JobReason.DeadlineExceeded, null, "killed: it ran longer than " + limit.describe());
    }

    /** The job never ran: its image could not be had, had no ENTRYPOINT, an input could not be read, or similar. */
    public static JobOutcome notStarted(String reason) {
        return failed(JobReason.NotStarted, null, reason);
    }

    /** The same outcome, with the documents made from the job's outputs. */
    public JobOutcome withOutputs(List<JobCompleted.OutputDocument> outputs) {
        return new JobOutcome(phase, reason, exitCode, message, List.copyOf(outputs), startedAt, finishedAt);
    }

    /** The same outcome, with when its command started (null: never) and when it ended. */
    public JobOutcome between(Instant started, Instant finished) {
        return new JobOutcome(phase, reason, exitCode, message, outputDocuments, started, finished);
    }
}
