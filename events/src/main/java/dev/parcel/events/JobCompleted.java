package dev.parcel.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One attempt of a job ended, {@code Succeeded} or {@code Failed}; {@code exitCode} is null when the container never
 * ran (an image that could not be had, say). {@code outputDocuments} lists the documents uploaded from the job's
 * outputs (null from producers that predate the field). {@code reason} says why it ended, for programs;
 * {@code startedAt} is when its command started (null when it never did) and {@code finishedAt} when it ended; the
 * three are null in version 1. Frees the worker's capacity in the scheduler.
 */
public record JobCompleted(
        UUID eventId,
        Instant occurredAt,
        int version,
        String jobId,
        int attempt,
        String workerId,
        JobPhase phase,
        Integer exitCode,
        String message,
        List<OutputDocument> outputDocuments,
        JobReason reason,
        Instant startedAt,
        Instant finishedAt)
        implements ParcelEvent {

    /** Version 2 added {@code reason}, {@code startedAt} and {@code finishedAt}. */
    public static final int VERSION = 2;

    /** A document made from the output file at {@code mountPath} (relative to /parcel/data/out). */
    public record OutputDocument(String id, String mountPath) {
    }

    public static JobCompleted of(String jobId, int attempt, String workerId, JobPhase phase, JobReason reason,
            Integer exitCode, String message, List<OutputDocument> outputDocuments, Instant startedAt,
            Instant finishedAt) {
        if (!phase.isTerminal()) {
            throw new IllegalArgumentException("a completed job ends Succeeded or Failed, not " + phase);
        }
        return new JobCompleted(UUID.randomUUID(), Instant.now(), VERSION, jobId, attempt, workerId, phase, exitCode,
                message, List.copyOf(outputDocuments), reason, startedAt, finishedAt);
    }

    @Override
    public String key() {
        return jobId;
    }
}
