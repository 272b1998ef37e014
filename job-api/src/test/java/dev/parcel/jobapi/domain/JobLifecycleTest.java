package dev.parcel.jobapi.domain;

import static dev.parcel.events.JobPhase.Failed;
import static dev.parcel.events.JobPhase.Pending;
import static dev.parcel.events.JobPhase.Running;
import static dev.parcel.events.JobPhase.Succeeded;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobLifecycleTest {

    @Test
    void phaseMovesForward() {
        assertTrue(JobLifecycle.accepts(Pending, 0, 1, Running));
        assertTrue(JobLifecycle.accepts(Running, 1, 1, Succeeded));
        assertTrue(JobLifecycle.accepts(Pending, 0, 1, Failed), "a job can fail before it ever ran");
    }

    @Test
    void phaseNeverMovesBack() {
        assertFalse(JobLifecycle.accepts(Running, 1, 1, Pending));
        assertFalse(JobLifecycle.accepts(Running, 1, 1, Running), "a duplicate report changes nothing");
    }

    @Test
    void finishedJobNeverChanges() {
        assertFalse(JobLifecycle.accepts(Succeeded, 1, 1, Failed));
        assertFalse(JobLifecycle.accepts(Failed, 1, 2, Running));
    }

    @Test
    void reportOfASupersededAttemptIsDiscarded() {
        assertFalse(JobLifecycle.accepts(Running, 2, 1, Succeeded));
    }

    @Test
    void newerAttemptStartsOverFromPending() {
        assertTrue(JobLifecycle.accepts(Running, 1, 2, Pending), "the scheduler queued the next attempt");
        assertTrue(JobLifecycle.accepts(Pending, 2, 2, Running));
        assertFalse(JobLifecycle.accepts(Running, 2, 2, Pending), "within one attempt the phase still moves forward");
    }

    @Test
    void aWaitingJobHearsWhyItWaitsAgainWhenTheReasonChanges() {
        assertTrue(JobLifecycle.accepts(Pending, 1, 1, Pending));
        assertFalse(JobLifecycle.accepts(Pending, 2, 1, Pending), "not from an attempt it no longer waits for");
    }

    @Test
    void reportsOfTheLostAttemptArrivingAfterTheNewerOneAreDiscarded() {
        assertFalse(JobLifecycle.accepts(Pending, 2, 1, Running));
        assertFalse(JobLifecycle.accepts(Pending, 2, 1, Succeeded));
    }
}
