package dev.parcel.jobapi.messaging;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobStatusReported;
import dev.parcel.jobapi.domain.JobLifecycle;
import dev.parcel.jobapi.persistence.JobEntity;
import dev.parcel.jobapi.persistence.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Moves the jobs read model forward from the workers' reports. Each event applies at most once. */
@ApplicationScoped
public class JobEventProjection {
    private static final Logger LOG = Logger.getLogger(JobEventProjection.class);

    private final ProcessedEvents processed;

    JobEventProjection(ProcessedEvents processed) {
        this.processed = processed;
    }

    @Incoming("job-status-reported")
    @WithTransaction
    public Uni<Void> onStatusReported(JobStatusReported event) {
        return apply(event.eventId(), event.jobId(), event.attempt(), event.workerId(), event.phase(),
                event.message());
    }

    @Incoming("job-completed")
    @WithTransaction
    public Uni<Void> onCompleted(JobCompleted event) {
        return apply(event.eventId(), event.jobId(), event.attempt(), event.workerId(), event.phase(),
                event.message());
    }

    private Uni<Void> apply(UUID eventId, String jobId, int attempt, String workerId, JobPhase phase,
            String message) {
        return processed.firstTime(eventId).chain(first -> !first
                ? Uni.createFrom().voidItem()
                : JobEntity.<JobEntity>findById(jobId).invoke(job -> {
                    if (job == null) {
                        LOG.warnf("ignoring a report about unknown job %s", jobId);
                    } else if (JobLifecycle.accepts(job.phase, job.attempt, attempt, phase)) {
                        job.phase = phase;
                        job.message = message;
                        job.attempt = attempt;
                        job.host = workerId;
                        job.updatedAt = Instant.now();
                    }
                }).replaceWithVoid());
    }
}
