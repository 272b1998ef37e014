package dev.parcel.executor.messaging;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.ParcelEvent;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.domain.OutcomeReporter;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reports an attempt's progress, keyed by job id; each call returns once the broker has acknowledged it, and fails
 * after {@value #ACK_TIMEOUT_SECONDS} s without (the flow tries again, so a send that was slow rather than lost
 * makes a duplicate, which every consumer ignores). A report is sent in the trace current on the attempt's thread
 * (its attempt's span), which the connector would not see from its own thread.
 */
@ApplicationScoped
public class StatusReporter implements OutcomeReporter {
    private static final long ACK_TIMEOUT_SECONDS = 30;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(ACK_TIMEOUT_SECONDS);

    private final MutinyEmitter<JobStatusReported> statuses;
    private final MutinyEmitter<JobCompleted> completions;
    private final String workerId;

    StatusReporter(@Channel("job-status-reported") MutinyEmitter<JobStatusReported> statuses,
            @Channel("job-completed") MutinyEmitter<JobCompleted> completions, ExecutorConfig config) {
        this.statuses = statuses;
        this.completions = completions;
        this.workerId = config.workerId();
    }

    @Override
    public void running(JobScheduled job) {
        var event = JobStatusReported.of(job.jobId(), job.attempt(), workerId, JobPhase.Running, null);
        statuses.sendMessage(inCurrentTrace(keyed(event))).await().atMost(ACK_TIMEOUT);
    }

    @Override
    public void completed(JobScheduled job, JobOutcome outcome) {
        var event = JobCompleted.of(job.jobId(), job.attempt(), workerId, outcome.phase(), outcome.reason(),
                outcome.exitCode(), outcome.message(), outcome.outputDocuments(), outcome.startedAt(),
                outcome.finishedAt());
        completions.sendMessage(inCurrentTrace(keyed(event))).await().atMost(ACK_TIMEOUT);
    }

    private static <T> Message<T> inCurrentTrace(Message<T> message) {
        return message.addMetadata(TracingMetadata.withCurrent(Context.current()));
    }

    static <T extends ParcelEvent> Message<T> keyed(T event) {
        return Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
    }
}
