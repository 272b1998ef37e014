package dev.parcel.scheduler.domain;

/** What a job asks for: cpus (fractional) and memory in bytes. */
public record ResourceRequest(double cpus, long memoryBytes) {

    /** The request as a worker will grant it: never more than the worker's per-job maximum. */
    public ResourceRequest clampedTo(Worker worker) {
        return new ResourceRequest(Math.min(cpus, worker.maxCpusPerJob()),
                Math.min(memoryBytes, worker.maxMemoryBytesPerJob()));
    }
}
