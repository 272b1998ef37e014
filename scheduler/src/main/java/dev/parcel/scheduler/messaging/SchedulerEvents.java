package dev.parcel.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * The events the scheduler decides on, keyed by job id: placements (JobScheduled) and the end of jobs terminated
 * while still queued (JobCompleted). They leave through the scheduler's outbox, committed with the decision.
 */
@ApplicationScoped
public class SchedulerEvents {
    private final ObjectMapper json;

    SchedulerEvents(ObjectMapper json) {
        this.json = json;
    }

    public JobScheduled scheduled(QueuedJobEntity job) {
        try {
            return JobScheduled.of(job.jobId, job.attempt, job.workerId, job.submitter, job.grantedCpus,
                    job.grantedMemoryBytes, json.readValue(job.spec, JobSpec.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("queued job " + job.jobId + " has an unreadable spec", e);
        }
    }

    /**
     * A job terminated while it waited for a worker: it ends Failed with no worker and no exit code, as the attempt
     * that waited, so the job-api takes it even after hearing that attempt was queued.
     */
    public static JobCompleted terminatedWhileQueued(String jobId, int attempt) {
        return JobCompleted.of(jobId, attempt, null, JobPhase.Failed, JobReason.Terminated, null,
                JobTerminationRequested.TERMINATED_MESSAGE + " before it started", List.of(), null, Instant.now());
    }
}
