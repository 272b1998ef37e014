package dev.parcel.executor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {
    private static final long LIMIT = 64L << 20;

    @Test
    void exitZeroSucceeds() {
        assertEquals(JobPhase.Succeeded, JobOutcome.ofExitedContainer(0, false, LIMIT).phase());
    }

    @Test
    void nonZeroExitFailsNamingTheCode() {
        var outcome = JobOutcome.ofExitedContainer(3, false, LIMIT);
        assertEquals(JobPhase.Failed, outcome.phase());
        assertEquals("command failed with exit code 3", outcome.message());
    }

    @Test
    void outOfMemoryFailsEvenWhenTheExitCodeIsZero() {
        var outcome = JobOutcome.ofExitedContainer(0, true, LIMIT);
        assertEquals(JobPhase.Failed, outcome.phase());
        assertEquals("killed: out of memory (limit 64 MiB)", outcome.message());
    }

    @Test
    void jobThatNeverStartedHasNoExitCode() {
        var outcome = JobOutcome.notStarted("image x could not be pulled");
        assertEquals(JobPhase.Failed, outcome.phase());
        assertNull(outcome.exitCode());
    }

    @Test
    void terminatedJobFailsSayingSo() {
        assertEquals("terminated by its submitter while it ran", JobOutcome.terminated(true).message());
        assertEquals("terminated by its submitter before it started", JobOutcome.terminated(false).message());
        assertEquals(JobPhase.Failed, JobOutcome.terminated(true).phase());
    }

    @Test
    void jobOverItsRunTimeFailsNamingTheLimit() {
        var outcome = JobOutcome.exceeded(RunLimit.of(null, Duration.ofHours(24)));
        assertEquals(JobPhase.Failed, outcome.phase());
        assertEquals(JobReason.DeadlineExceeded, outcome.reason());
        assertEquals("killed: it ran longer than this worker's maximum run time of 24h", outcome.message());
    }

    @Test
    void aJobsOwnTimeoutCountsUpToTheWorkersMaximum() {
        assertEquals("killed: it ran longer than its timeout of 3s",
                JobOutcome.exceeded(RunLimit.of("3s", Duration.ofHours(24))).message());
        assertEquals(new RunLimit(Duration.ofMinutes(90), true), RunLimit.of("90m", Duration.ofHours(24)));
        assertEquals(new RunLimit(Duration.ofHours(24), false), RunLimit.of("25h", Duration.ofHours(24)));
    }

    @Test
    void eachEndingHasItsReason() {
        assertEquals(JobReason.Completed, JobOutcome.ofExitedContainer(0, false, LIMIT).reason());
        assertEquals(JobReason.Error, JobOutcome.ofExitedContainer(3, false, LIMIT).reason());
        assertEquals(JobReason.OOMKilled, JobOutcome.ofExitedContainer(0, true, LIMIT).reason());
        assertEquals(JobReason.Terminated, JobOutcome.terminated(true).reason());
        assertEquals(JobReason.NotStarted, JobOutcome.notStarted("no image").reason());
        assertEquals(JobReason.Error, JobOutcome.outputsOverLimit(0, "too large").reason());
    }
}
