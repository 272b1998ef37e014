package dev.parcel.jobapi.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.DocumentAccessed;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.ParcelEvent;
import dev.parcel.inbox.EventIntake;
import dev.parcel.inbox.UnprocessableEvent;
import dev.parcel.jobapi.domain.JobLifecycle;
import dev.parcel.jobapi.domain.JobStatus;
import dev.parcel.jobapi.operations.JobMetrics;
import dev.parcel.jobapi.persistence.AccessedDocuments;
import dev.parcel.jobapi.persistence.JobEntity;
import dev.parcel.jobapi.persistence.ProcessedEvents;
import dev.parcel.jobapi.persistence.StatusChanges;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Moves the jobs read model forward from the workers' reports. Each event applies at most once; {@link EventIntake}
 * retries what fails while the database is away and sets aside what can never be applied.
 */
@ApplicationScoped
public class JobEventProjection {
    private static final Logger LOG = Logger.getLogger(JobEventProjection.class);

    private final ProcessedEvents processed;
    private final AccessedDocuments accessed;
    private final StatusChanges statusChanges;
    private final EventIntake intake;
    private final ObjectMapper json;
    private final JobMetrics metrics;

    JobEventProjection(ProcessedEvents processed, AccessedDocuments accessed, StatusChanges statusChanges,
            EventIntake intake, ObjectMapper json, JobMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
        this.processed = processed;
        this.accessed = accessed;
        this.statusChanges = statusChanges;
        this.json = json;
    }

    @Incoming("job-status-reported")
    public Uni<Void> onStatusReported(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobStatusReported.class, JobStatusReported.VERSION,
                event -> Panache.withTransaction(() -> apply(event.eventId(), event.jobId(), JobStatus.reported(
                        requiredPhase(event.phase(), event), event.message(), event.workerId(), event.attempt(),
                        event.occurredAt()), job -> { })).replaceWithVoid());
    }

    @Incoming("job-completed")
    public Uni<Void> onCompleted(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobCompleted.class, JobCompleted.VERSION, event -> {
            String outputs = write(event.outputDocuments() == null ? List.of() : event.outputDocuments());
            var status = new JobStatus(requiredPhase(event.phase(), event), event.message(), event.workerId(),
                    event.attempt(), event.exitCode(), event.reason(), event.startedAt(),
                    event.finishedAt() == null ? event.occurredAt() : event.finishedAt());
            return Panache.withTransaction(() -> apply(event.eventId(), event.jobId(), status,
                    job -> job.outputDocuments = outputs)).invoke(shown -> {
                        if (shown && status.phase().isTerminal()) {
                            metrics.ended(status);
                        }
                    }).replaceWithVoid();
        });
    }

    /** Only reads made for a job concern the jobs read model; the record is idempotent by (job, document). */
    @Incoming("document-accessed")
    public Uni<Void> onDocumentAccessed(ConsumerRecord<String, String> record) {
        return intake.apply(record, DocumentAccessed.class, DocumentAccessed.VERSION, event -> event.jobId() == null
                ? Uni.createFrom().voidItem()
                : Panache.withTransaction(() -> accessed.record(event.jobId(), event.documentId(), event.owner(),
                        event.occurredAt())));
    }

    private static JobPhase requiredPhase(JobPhase phase, ParcelEvent event) {
        if (phase == null) {
            throw new UnprocessableEvent(event.getClass().getSimpleName() + " " + event.eventId() + " has no phase");
        }
        return phase;
    }

    /** The item is whether the job now shows {@code status}. */
    private Uni<Boolean> apply(UUID eventId, String jobId, JobStatus status, Consumer<JobEntity> alsoOnAccept) {
        return processed.firstTime(eventId).chain(first -> !first
                ? Uni.createFrom().item(false)
                // Locked: a job's progress and its completion arrive on two topics and are applied concurrently.
                : JobEntity.<JobEntity>findById(jobId, LockModeType.PESSIMISTIC_WRITE).chain(job -> {
                    if (job == null) {
                        LOG.warnf("ignoring a report about unknown job %s", jobId);
                        return Uni.createFrom().item(false);
                    }
                    if (!JobLifecycle.accepts(job.phase, job.attempt, status.attempt(), status.phase())) {
                        return Uni.createFrom().item(false);
                    }
                    job.show(status);
                    job.updatedAt = Instant.now();
                    job.statusSeq += 1;
                    alsoOnAccept.accept(job);
                    return statusChanges.record(new StatusChanges.Change(job.id, job.statusSeq, status,
                            job.updatedAt)).replaceWith(true);
                }));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
