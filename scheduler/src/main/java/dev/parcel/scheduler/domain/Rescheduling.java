package dev.parcel.scheduler.domain;

import dev.parcel.events.JobReason;
import dev.parcel.events.JobTerminationRequested;
import java.util.ArrayList;

/**
 * What becomes of a job whose worker was lost: it is queued again as the next attempt, or, when it used its last
 * attempt or its submitter asked to terminate it, it ends {@code Failed}, since no worker will ever report it.
 */
public sealed interface Rescheduling {

    String jobId();

    /** The job waits for a worker again; {@code attempt} is the number its next placement gets. */
    record NextAttempt(String jobId, int attempt, String message) implements Rescheduling {
    }

    /** The job ends with its lost attempt: {@code Terminated} when its submitter asked, else {@code WorkerLost}. */
    record Ended(String jobId, int attempt, String workerId, JobReason reason, String message)
            implements Rescheduling {
    }

    static Rescheduling of(LostAttempt lost, int maxAttempts) {
        if (lost.terminationRequested()) {
            return new Ended(lost.jobId(), lost.attempt(), lost.workerId(), JobReason.Terminated,
                    JobTerminationRequested.TERMINATED_MESSAGE + " after its worker " + lost.workerId() + " was lost");
        }
        if (lost.attempt() >= maxAttempts) {
            var workers = new ArrayList<>(lost.earlierLostWorkers());
            workers.add(lost.workerId());
            String named = workers.size() == 1
                    ? "worker " + workers.get(0) + " was lost"
                    : "workers " + String.join(", ", workers) + " were lost";
            return new Ended(lost.jobId(), lost.attempt(), lost.workerId(), JobReason.WorkerLost,
                    named + "; gave up after " + lost.attempt() + (lost.attempt() == 1 ? " attempt" : " attempts"));
        }
        int next = lost.attempt() + 1;
        return new NextAttempt(lost.jobId(), next,
                "worker " + lost.workerId() + " was lost; attempt " + next + " queued");
    }
}
