package dev.parcel.scheduler.domain;

/** One placement decision: the job runs on the worker with the granted (clamped) resources. */
public record Assignment(String jobId, String workerId, ResourceRequest granted) {
}
