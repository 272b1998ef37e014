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

    /** Docker's unit of cpu limits; the executor never grants less. */
    public static final double NANO_CPU = 1e-9;

    /**
     * Whether a job could fit at all. Requests are at least one nano-cpu (see the scheduler's consumer), so a worker
     * with less than half of one free has no room for any.
     */
    public boolean hasRoom() {
        return fits(new ResourceRequest(NANO_CPU, 1));
    }

    /** Whether a clamped request fits; a worker that would grant a job no cpu or no memory at all never does. */
    public boolean fits(ResourceRequest granted) {
        if (granted.cpus() <= 0 || granted.memoryBytes() <= 0) {
            return false;
        }
        // Half a nano-cpu of tolerance keeps sums of fractions such as 0.1 + 0.2 from refusing an exact fit.
        return granted.cpus() <= freeCpus() + NANO_CPU / 2 && granted.memoryBytes() <= freeMemoryBytes();
    }

    public Worker withPlaced(ResourceRequest granted) {
        return new Worker(id, cpus, memoryBytes, maxCpusPerJob, maxMemoryBytesPerJob, usedCpus + granted.cpus(),
                usedMemoryBytes + granted.memoryBytes());
    }
}
