package dev.parcel.executor.domain;

import dev.parcel.events.JobScheduled;

/** Tells the platform about an attempt; each call returns once the broker acknowledged it, and throws if it did not. */
public interface OutcomeReporter {

    void running(JobScheduled job);

    void completed(JobScheduled job, JobOutcome outcome);
}
