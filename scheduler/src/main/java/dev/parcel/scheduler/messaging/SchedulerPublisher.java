package dev.parcel.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.ParcelEvent;
import dev.parcel.events.JobSpec;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes what the scheduler decides, keyed by job id: placements (JobScheduled) and the end of jobs terminated
 * while still queued (JobCompleted). Each completes when the broker has acknowledged it.
 */
@ApplicationScoped
public class SchedulerPublisher {
    private final MutinyEmitter<JobScheduled> emitter;
    private final MutinyEmitter<JobCompleted> completions;
    private final ObjectMapper json;

    /**
     * A round emits all its placements at once, more than the default emitter buffer and the connector's in-flight
     * window hold together when rounds are large (2,000 failed every round); how many are waiting is bounded by
     * the round size, so the buffer need not be.
     */
    SchedulerPublisher(@Channel("job-scheduled") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
            MutinyEmitter<JobScheduled> emitter,
            @Channel("job-completed") MutinyEmitter<JobCompleted> completions, ObjectMapper json) {
        this.emitter = emitter;
        this.completions = completions;
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
        return Uni.join().all(events.stream().map(event -> emitter.sendMessage(keyed(event))).toList())
                .andFailFast().replaceWithVoid();
    }

    /** A job terminated before any attempt started: it ends Failed with no worker and no exit code. */
    public Uni<Void> publishTerminatedWhileQueued(String jobId) {
        return completions.sendMessage(keyed(JobCompleted.of(jobId, 0, null, JobPhase.Failed, null,
                JobTerminationRequested.TERMINATED_MESSAGE + " before it started", List.of())));
    }

    private static <T extends ParcelEvent> Message<T> keyed(T event) {
        return Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
    }
}
