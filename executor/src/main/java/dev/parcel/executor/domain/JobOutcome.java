package dev.parcel.executor.domain;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobTerminationRequested;
import java.time.Duration;
import java.util.List;

/**
 * How a job ended, in the words its submitter reads in {@code status.message}, and the documents made from its
 * outputs.
 */
public record JobOutcome(JobPhase phase, Integer exitCode, String message,
        List<JobCompleted.OutputDocument> outputDocuments) {

    /**
     * The outcome of a container that ran. The OOM flag wins over the exit code: when the kernel kills a child
     * process for memory, the main process may still exit 0.
     */
    public static JobOutcome ofExitedContainer(int exitCode, boolean oomKilled, long memoryLimitBytes) {
        if (oomKilled) {
            return new JobOutcome(JobPhase.Failed, exitCode,
                    "killed: out of memory (limit " + (memoryLimitBytes >> 20) + " MiB)", List.of());
        }
        if (exitCode == 0) {
            return new JobOutcome(JobPhase.Succeeded, 0, "command exited with exit code 0", List.of());
        }
        return new JobOutcome(JobPhase.Failed, exitCode, "command failed with exit code " + exitCode, List.of());
    }

    /** It ran, but its outputs are larger than the worker takes: none is kept, and the message names the limit. */
    public static JobOutcome outputsOverLimit(Integer exitCode, String why) {
        return new JobOutcome(JobPhase.Failed, exitCode, "failed: " + why, List.of());
    }

    /** Its submitter terminated it; its outputs, if any, are not collected. */
    public static JobOutcome terminated(boolean started) {
        return new JobOutcome(JobPhase.Failed, null, JobTerminationRequested.TERMINATED_MESSAGE
                + (started ? " while it ran" : " before it started"), List.of());
    }

    /** It ran longer than this worker allows a job to run, and was killed. */
    public static JobOutcome exceededRunTime(Duration maxRunTime) {
        return new JobOutcome(JobPhase.Failed, null, "killed: it ran longer than this worker's maximum run time of "
                + maxRunTime.toString().substring(2).toLowerCase(), List.of());
    }

    /** The same outcome, with the documents made from the job's outputs. */
    public JobOutcome withOutputs(List<JobCompleted.OutputDocument> outputs) {
        return new JobOutcome(phase, exitCode, message, List.copyOf(outputs));
    }

    /** The job never ran: its image could not be had, had no ENTRYPOINT, an input could not be read, or similar. */
    public static JobOutcome notStarted(String reason) {
        return new JobOutcome(JobPhase.Failed, null, reason, List.of());
    }
}
