package dev.parcel.executor.messaging;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.ParcelEvent;
import dev.parcel.executor.domain.JobOutcome;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Reports an attempt's progress, keyed by job id; each call returns once the broker has acknowledged it. */
@ApplicationScoped
public class StatusReporter {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final MutinyEmitter<JobStatusReported> statuses;
    private final MutinyEmitter<JobCompleted> completions;

    StatusReporter(@Channel("job-status-reported") MutinyEmitter<JobStatusReported> statuses,
            @Channel("job-completed") MutinyEmitter<JobCompleted> completions) {
        this.statuses = statuses;
        this.completions = completions;
    }

    public void running(JobScheduled job, String workerId) {
        var event = JobStatusReported.of(job.jobId(), job.attempt(), workerId, JobPhase.Running, null);
        statuses.sendMessage(keyed(event)).await().atMost(ACK_TIMEOUT);
    }

    public void completed(JobScheduled job, String workerId, JobOutcome outcome) {
        var event = JobCompleted.of(job.jobId(), job.attempt(), workerId, outcome.phase(), outcome.exitCode(),
                outcome.message(), outcome.outputDocuments());
        completions.sendMessage(keyed(event)).await().atMost(ACK_TIMEOUT);
    }

    static <T extends ParcelEvent> Message<T> keyed(T event) {
        return Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
    }
}
