package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/** A worker's progress report on one attempt of a job that has not ended yet (today: it is {@code Running}). */
public record JobStatusReported(
        UUID eventId, Instant occurredAt, int version, String jobId, int attempt, String workerId, JobPhase phase,
        String message)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static JobStatusReported of(String jobId, int attempt, String workerId, JobPhase phase, String message) {
        return new JobStatusReported(UUID.randomUUID(), Instant.now(), VERSION, jobId, attempt, workerId, phase,
                message);
    }

    @Override
    public String key() {
        return jobId;
    }
}
