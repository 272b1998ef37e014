package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * An executor is alive and offers this much to jobs in total ({@code cpus}, {@code memoryBytes}) and at most
 * this much to any one job (the clamp). Keyed by worker id.
 */
public record WorkerHeartbeat(
        UUID eventId,
        Instant occurredAt,
        int version,
        String workerId,
        double cpus,
        long memoryBytes,
        double maxCpusPerJob,
        long maxMemoryBytesPerJob)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static WorkerHeartbeat of(
            String workerId, double cpus, long memoryBytes, double maxCpusPerJob, long maxMemoryBytesPerJob) {
        return new WorkerHeartbeat(UUID.randomUUID(), Instant.now(), VERSION, workerId, cpus, memoryBytes,
                maxCpusPerJob, maxMemoryBytesPerJob);
    }

    @Override
    public String key() {
        return workerId;
    }
}
