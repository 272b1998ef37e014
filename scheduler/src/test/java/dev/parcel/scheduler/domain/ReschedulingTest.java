package dev.parcel.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.events.JobReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReschedulingTest {
    private static final int MAX_ATTEMPTS = 3;

    @Test
    void jobOfALostWorkerIsQueuedAsItsNextAttempt() {
        var lost = new LostAttempt("J1", 1, "w1", List.of(), false);

        assertEquals(new Rescheduling.NextAttempt("J1", 2, "worker w1 was lost; attempt 2 queued"),
                Rescheduling.of(lost, MAX_ATTEMPTS));
    }

    @Test
    void jobThatLostItsLastAttemptEndsNamingEveryLostWorker() {
        var lost = new LostAttempt("J1", 3, "w3", List.of("w1", "w2"), false);

        assertEquals(new Rescheduling.Ended("J1", 3, "w3", JobReason.WorkerLost,
                "workers w1, w2, w3 were lost; gave up after 3 attempts"),
                Rescheduling.of(lost, MAX_ATTEMPTS));
    }

    @Test
    void aSingleAttemptAllowedEndsAtTheFirstLostWorker() {
        var lost = new LostAttempt("J1", 1, "w1", List.of(), false);

        assertEquals(new Rescheduling.Ended("J1", 1, "w1", JobReason.WorkerLost,
                "worker w1 was lost; gave up after 1 attempt"),
                Rescheduling.of(lost, 1));
    }

    @Test
    void terminatedJobOfALostWorkerEndsInsteadOfRunningAgain() {
        var lost = new LostAttempt("J1", 1, "w1", List.of(), true);

        assertEquals(new Rescheduling.Ended("J1", 1, "w1", JobReason.Terminated,
                "terminated by its submitter after its worker w1 was lost"),
                Rescheduling.of(lost, MAX_ATTEMPTS));
    }
}
