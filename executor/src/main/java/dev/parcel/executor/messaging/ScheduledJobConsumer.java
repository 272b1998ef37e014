package dev.parcel.executor.messaging;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.JobRunner;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.inbox.EventIntake;
import dev.parcel.inbox.UnprocessableEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Hands the attempts placed on this worker to the runner; every executor reads all placements in its own group. */
@ApplicationScoped
public class ScheduledJobConsumer {
    private final JobRunner runner;
    private final EventIntake intake;
    private final String workerId;

    ScheduledJobConsumer(JobRunner runner, EventIntake intake, ExecutorConfig config) {
        this.runner = runner;
        this.intake = intake;
        this.workerId = config.workerId();
    }

    @Incoming("job-scheduled")
    public Uni<Void> onScheduled(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobScheduled.class, JobScheduled.VERSION, event -> {
            if (workerId.equals(event.workerId())) {
                if (event.spec() == null || event.submitter() == null) {
                    throw new UnprocessableEvent("JobScheduled for " + event.jobId() + " has no spec or submitter");
                }
                runner.accept(event);
            }
            return Uni.createFrom().voidItem();
        });
    }
}
