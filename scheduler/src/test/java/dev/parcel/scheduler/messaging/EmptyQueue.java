package dev.parcel.scheduler.messaging;

import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

/**
 * Other modules' tests (and earlier runs on the same broker) leave jobs on the shared bus; once the scheduler has
 * consumed them, they are retired, so a test class starts from an empty queue instead of waiting behind them.
 */
final class EmptyQueue {
    private EmptyQueue() {
    }

    static void retireEverythingQueued() throws Exception {
        EventBusProbe.publish(Topics.JOB_SUBMITTED, "warm-up", JobSubmitted.of("warm-up", "Isubmitter",
                new JobSpec("warm-up", "none", List.of(), null, null, null, null, null, null)));
        EventBusProbe.awaitConsumed("scheduler.submitted", Topics.JOB_SUBMITTED, Duration.ofSeconds(60));
        retireAll();
    }

    /** Every job the scheduler knows ends, whatever it was waiting for or holding. */
    static void retireAll() throws Exception {
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"));
                var retire = connection.prepareStatement("UPDATE queued_jobs SET state = 'DONE' WHERE state <> 'DONE'")) {
            retire.executeUpdate();
        }
    }
}
