package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The scheduler placed attempt {@code attempt} of a job on {@code workerId}, with cpus and memory already clamped
 * to that worker's per-job maximum. Only the named worker runs it.
 */
public record JobScheduled(
        UUID eventId,
        Instant occurredAt,
        int version,
        String jobId,
        int attempt,
        String workerId,
        String submitter,
        double cpus,
        long memoryBytes,
        JobSpec spec)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static JobScheduled of(String jobId, int attempt, String workerId, String submitter, double cpus,
            long memoryBytes, JobSpec spec) {
        return new JobScheduled(UUID.randomUUID(), Instant.now(), VERSION, jobId, attempt, workerId, submitter, cpus,
                memoryBytes, spec);
    }

    @Override
    public String key() {
        return jobId;
    }
}
