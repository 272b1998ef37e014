package dev.parcel.executor.messaging;

import dev.parcel.events.JobTerminationRequested;
import dev.parcel.executor.JobRunner;
import dev.parcel.inbox.EventIntake;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every executor hears every termination request (in its own group): the job may be running here, or its placement
 * may still be on its way here.
 */
@ApplicationScoped
public class TerminationConsumer {
    private final JobRunner runner;
    private final EventIntake intake;

    TerminationConsumer(JobRunner runner, EventIntake intake) {
        this.runner = runner;
        this.intake = intake;
    }

    @Incoming("job-termination-requested")
    public Uni<Void> onTerminationRequested(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobTerminationRequested.class, JobTerminationRequested.VERSION, event -> {
            runner.terminationRequested(event.jobId());
            return Uni.createFrom().voidItem();
        });
    }
}
