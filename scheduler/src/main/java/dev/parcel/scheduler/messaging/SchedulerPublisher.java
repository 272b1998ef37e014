package dev.parcel.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes JobScheduled keyed by job id and completes when the broker has acknowledged every one. */
@ApplicationScoped
public class ScheduledJobPublisher {
    private final MutinyEmitter<JobScheduled> emitter;
    private final ObjectMapper json;

    ScheduledJobPublisher(@Channel("job-scheduled") MutinyEmitter<JobScheduled> emitter, ObjectMapper json) {
        this.emitter = emitter;
        this.json = json;
    }

    public JobScheduled scheduledEvent(QueuedJobEntity job) {
        try {
            return JobScheduled.of(job.jobId, job.attempt, job.workerId, job.submitter, job.grantedCpus,
                    job.grantedMemoryBytes, json.readValue(job.spec, JobSpec.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("queued job " + job.jobId + " has an unreadable spec", e);
        }
    }

    public Uni<Void> publish(List<JobScheduled> events) {
        return Uni.join().all(events.stream()
                .map(event -> emitter.sendMessage(Message.of(event).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())))
                .toList()).andFailFast().replaceWithVoid();
    }
}
