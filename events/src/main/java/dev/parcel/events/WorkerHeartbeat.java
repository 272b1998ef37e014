package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * An executor is alive and offers this much to jobs in total ({@code cpus}, {@code memoryBytes}) and at most
 * this much to any one job (the clamp). Keyed by worker id. A {@code draining} worker is stopping: its running jobs
 * stay its own, but nothing more is placed on it. Version 1 had no {@code draining}; it reads as false.
 */
public record WorkerHeartbeat(
        UUID eventId,
        Instant occurredAt,
        int version,
        String workerId,
        double cpus,
        long memoryBytes,
        double maxCpusPerJob,
        long maxMemoryBytesPerJob,
        boolean draining)
        implements ParcelEvent {

    public static final int VERSION = 2;

    public static WorkerHeartbeat of(
            String workerId, double cpus, long memoryBytes, double maxCpusPerJob, long maxMemoryBytesPerJob) {
        return new WorkerHeartbeat(UUID.randomUUID(), Instant.now(), VERSION, workerId, cpus, memoryBytes,
                maxCpusPerJob, maxMemoryBytesPerJob, false);
    }

    /** The last heartbeat of a worker that is stopping: the same offer, marked draining. */
    public WorkerHeartbeat asDraining() {
        return new WorkerHeartbeat(UUID.randomUUID(), Instant.now(), VERSION, workerId, cpus, memoryBytes,
                maxCpusPerJob, maxMemoryBytesPerJob, true);
    }

    @Override
    public String key() {
        return workerId;
    }
}
