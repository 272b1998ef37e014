package dev.parcel.jobapi.domain;

import dev.parcel.events.JobPhase;

/**
 * Whether a worker's report may change what the read model says about a job. Events can arrive late, twice, or from
 * an attempt the scheduler has since replaced; the status must still only move forward.
 */
public final class JobLifecycle {
    private JobLifecycle() {
    }

    /**
     * A newer attempt starts over: the scheduler announces it {@code Pending} when the worker of the one before was
     * lost, however far that one had got. A {@code Pending} job takes every {@code Pending} report of its attempt: the
     * scheduler's newest word on why it waits.
     *
     * @param current the phase the read model holds
     * @param currentAttempt the newest attempt the read model has heard of (0 before any)
     * @param reportedAttempt the attempt the report is about
     * @param reported the phase it reports
     */
    public static boolean accepts(JobPhase current, int currentAttempt, int reportedAttempt, JobPhase reported) {
        if (current.isTerminal() || reportedAttempt < currentAttempt) {
            return false;
        }
        return reportedAttempt > currentAttempt || reported.ordinal() > current.ordinal()
                // A waiting job is told again why it waits when the reason changes.
                || reported == JobPhase.Pending && current == JobPhase.Pending;
    }
}
