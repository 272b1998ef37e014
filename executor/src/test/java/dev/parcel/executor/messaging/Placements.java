package dev.parcel.executor.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.Topics;
import dev.parcel.testkit.HostCommands;
import dev.parcel.testkit.EventBusProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Placing jobs on the executor under test through the bus, as the scheduler would, and hearing how they end. */
final class Placements {
    /** The worker id this executor runs as in tests (application.properties, %test profile). */
    static final String THIS_WORKER = "executor-under-test";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private Placements() {
    }

    /** Places attempt 1 of a new job with 0.5 cpus and 64 MiB, as the scheduler would after clamping. */
    static JobScheduled place(String worker, JobSpec spec) {
        String jobId = "J" + UUID.randomUUID();
        var event = JobScheduled.of(jobId, 1, worker, "Isubmitter", 0.5, 64L << 20, spec);
        EventBusProbe.publish(Topics.JOB_SCHEDULED, jobId, event);
        return event;
    }

    static JobCompleted completion(JobScheduled job) {
        return EventBusProbe.await(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(job.jobId()),
                PATIENCE);
    }

    /**
     * Asserts that what {@code listing} lists is gone within seconds: a job's sandbox is removed right after its
     * outcome was acknowledged, so it may still be there when the outcome is heard.
     */
    static void assertRemovedSoon(String what, Supplier<List<String>> listing) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(listing.get().isEmpty(), what));
    }

    static List<String> containersOf(JobScheduled job) {
        return HostCommands.docker("ps", "-aq", "--filter", "label=dev.parcel.job-id=" + job.jobId());
    }
}
