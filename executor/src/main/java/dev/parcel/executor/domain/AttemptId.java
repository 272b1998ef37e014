package dev.parcel.executor.domain;

import dev.parcel.events.JobScheduled;

/** One attempt of a job: the scheduler numbers a job's attempts, and a higher number supersedes a lower one. */
public record AttemptId(String jobId, int attempt) {

    public static AttemptId of(JobScheduled placement) {
        return new AttemptId(placement.jobId(), placement.attempt());
    }

    @Override
    public String toString() {
        return jobId + "/" + attempt;
    }
}
