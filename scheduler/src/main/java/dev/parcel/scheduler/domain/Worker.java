package dev.parcel.scheduler.domain;

/**
 * A worker as the scheduler sees it in one snapshot: what it offers in total and per job, and what the jobs
 * already placed on it use.
 */
public record Worker(
        String id,
        double cpus,
        long memoryBytes,
        double maxCpusPerJob,
        long maxMemoryBytesPerJob,
        double usedCpus,
        long usedMemoryBytes) {

    public double freeCpus() {
        return cpus - usedCpus;
    }

    public long freeMemoryBytes() {
        return memoryBytes - usedMemoryBytes;
    }

    /** Whether a clamped request fits; a worker that would grant a job no cpu or no memory at all never does. */
    public boolean fits(ResourceRequest granted) {
        if (granted.cpus() <= 0 || granted.memoryBytes() <= 0) {
            return false;
        }
        // A small epsilon keeps sums of fractions such as 0.1 + 0.2 from refusing an exact fit.
        return granted.cpus() <= freeCpus() + 1e-9 && granted.memoryBytes() <= freeMemoryBytes();
    }

    public Worker withPlaced(ResourceRequest granted) {
        return new Worker(id, cpus, memoryBytes, maxCpusPerJob, maxMemoryBytesPerJob, usedCpus + granted.cpus(),
                usedMemoryBytes + granted.memoryBytes());
    }
}
