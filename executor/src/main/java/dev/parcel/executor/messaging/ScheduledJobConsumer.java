package dev.parcel.executor.messaging;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.JobRunner;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.inbox.EventIntake;
import dev.parcel.inbox.UnprocessableEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every executor reads all placements (in its own group): its own to run, and everyone's to notice when an attempt
 * it holds was placed again. A placement the runner did not take (the worker is stopping) is held unacknowledged,
 * so its offset is not committed and it comes again after the restart.
 */
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
            if (workerId.equals(event.workerId()) && (event.spec() == null || event.submitter() == null)) {
                throw new UnprocessableEvent("JobScheduled for " + event.jobId() + " has no spec or submitter");
            }
            return runner.placed(event, traceparent(record))
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().nothing();
        });
    }

    /**
     * Read from the record itself: the connector's consumer span is not current when the method runs, and the
     * attempt runs on a thread of its own later anyway.
     */
    private static String traceparent(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
