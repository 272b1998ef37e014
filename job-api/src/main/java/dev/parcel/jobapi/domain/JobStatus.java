package dev.parcel.jobapi.domain;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import java.time.Instant;

/**
 * A job's status as its readers see it: the phase and its sentence for people, and for programs the newest
 * attempt's number, where it ran, its exit code (when the command ran to an end), why it ended, and when its command
 * started and ended. Each new status replaces all of it: a job queued again has no exit code from its lost attempt.
 */
public record JobStatus(JobPhase phase, String message, String host, int attempt, Integer exitCode,
        JobReason reason, Instant startedAt, Instant finishedAt) {

    /** What a job has when it is accepted. */
    public static JobStatus submitted() {
        return new JobStatus(JobPhase.Pending, null, null, 0, null, null, null, null);
    }

    /** A worker's progress report: {@code Running} since {@code at}, or {@code Pending} again. */
    public static JobStatus reported(JobPhase phase, String message, String host, int attempt, Instant at) {
        return new JobStatus(phase, message, host, attempt, null, null, phase == JobPhase.Running ? at : null, null);
    }
}
