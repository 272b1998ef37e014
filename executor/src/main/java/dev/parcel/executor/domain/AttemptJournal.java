package dev.parcel.executor.domain;

import dev.parcel.events.JobScheduled;
import java.util.List;
import java.util.Optional;

/**
 * What this worker promised, kept where a restart finds it: the attempts it accepted, the terminations it was asked
 * for, and how each attempt was settled. Every change is durable when the method returns, so a placement or a
 * termination may be acknowledged to the broker only after it was recorded here.
 */
public interface AttemptJournal {

    enum Settled { REPORTED, SUPERSEDED }

    /** Records an accepted attempt; false, changing nothing, when the attempt is known already (a replay). */
    boolean accept(JobScheduled placement);

    /** Empty while the attempt is accepted and not settled, and for an attempt never accepted. */
    Optional<Settled> settled(AttemptId attempt);

    boolean isKnown(AttemptId attempt);

    /** Its outcome was acknowledged by the broker: it is never run or reported again. */
    void markReported(AttemptId attempt);

    /** A newer attempt of the job was placed: this one is dropped without a report and never resumed. */
    void markSuperseded(AttemptId attempt);

    void requestTermination(String jobId);

    boolean isTerminationRequested(String jobId);

    /** Accepted attempts not settled yet: the ones a restarted executor must finish. */
    List<JobScheduled> unsettled();

    /** This job's accepted attempts not settled yet; asked for every placement, so it must be cheap. */
    List<JobScheduled> unsettled(String jobId);
}
