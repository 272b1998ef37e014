package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * One attempt of a job ended, {@code Succeeded} or {@code Failed}; {@code exitCode} is null when the container never
 * ran (an image that could not be had, say). Frees the worker's capacity in the scheduler.
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
        String message)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static JobCompleted of(String jobId, int attempt, String workerId, JobPhase phase, Integer exitCode,
            String message) {
        if (!phase.isTerminal()) {
            throw new IllegalArgumentException("a completed job ends Succeeded or Failed, not " + phase);
        }
        return new JobCompleted(UUID.randomUUID(), Instant.now(), VERSION, jobId, attempt, workerId, phase, exitCode,
                message);
    }

    @Override
    public String key() {
        return jobId;
    }
}
