package dev.parcel.scheduler.domain;

/** A queued job waiting for a worker, with what it asks for (defaults already applied). */
public record PendingJob(String jobId, ResourceRequest request) {
}
