package dev.parcel.jobapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.Topics;
import dev.parcel.events.jobspec.JobSpecRules;
import dev.parcel.web.ApiProblem;
import dev.parcel.events.ResourceIds;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.jobapi.persistence.IdentityEntity;
import dev.parcel.jobapi.persistence.JobEntity;
import dev.parcel.jobapi.persistence.StatusChanges;
import dev.parcel.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Accepting jobs, and terminating them at their submitter's request. */
@ApplicationScoped
public class JobSubmissions {
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final JobReads reads;
    private final StatusChanges statusChanges;
    private final ObjectMapper json;

    JobSubmissions(Outbox outbox, OutboxRelay relay, JobReads reads, StatusChanges statusChanges, ObjectMapper json) {
        this.outbox = outbox;
        this.relay = relay;
        this.reads = reads;
        this.statusChanges = statusChanges;
        this.json = json;
    }

    /**
     * Checks the spec's rules and that its output owners exist, then stores the job as Pending with its
     * JobSubmitted in one transaction; returns once both are durable.
     */
    public Uni<JobReads.Job> submit(String submitter, JobSpec spec) {
        var problems = JobSpecRules.problemsWith(spec);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ApiProblem.invalid(String.join("; ", problems)));
        }
        return Panache.withTransaction(() -> outputOwnersMustExist(spec).chain(() -> store(submitter, spec)))
                .invoke(relay::publishSoon);
    }

    private Uni<Void> outputOwnersMustExist(JobSpec spec) {
        if (spec.outputDocuments() == null) {
            return Uni.createFrom().voidItem();
        }
        var owners = spec.outputDocuments().stream().map(JobSpec.OutputDocument::owner)
                .filter(java.util.Objects::nonNull).distinct().toList();
        if (owners.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return IdentityEntity.<IdentityEntity>list("id in ?1", owners).invoke(known -> {
            var knownIds = known.stream().map(identity -> identity.id).collect(java.util.stream.Collectors.toSet());
            for (int i = 0; i < spec.outputDocuments().size(); i++) {
                String owner = spec.outputDocuments().get(i).owner();
                if (owner != null && !knownIds.contains(owner)) {
                    throw ApiProblem.invalid("outputDocuments[" + i + "].owner: no identity " + owner);
                }
            }
        }).replaceWithVoid();
    }

    private Uni<JobReads.Job> store(String submitter, JobSpec spec) {
        var job = new JobEntity();
        job.id = ResourceIds.newJobId();
        job.submitter = submitter;
        job.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        job.updatedAt = job.createdAt;
        job.spec = write(spec);
        job.phase = JobPhase.Pending;
        return job.persist()
                .chain(() -> statusChanges.record(new StatusChanges.Change(job.id, job.statusSeq, job.phase, null,
                        null, job.createdAt)))
                .chain(() -> outbox.append(Topics.JOB_SUBMITTED, JobSubmitted.of(job.id, submitter, spec)))
                .map(ignored -> reads.toJob(job, List.of()));
    }

    /**
     * Asks for the job to be stopped: announces it, with the change's durability, unless the job already ended, in
     * which case nothing changes. Only its submitter may; for anyone else it does not exist.
     */
    public Uni<Void> terminate(String caller, String jobId) {
        return Panache.withTransaction(() -> JobEntity.<JobEntity>findById(jobId).chain(job -> {
            if (job == null || !job.submitter.equals(caller)) {
                return Uni.createFrom().failure(ApiProblem.notFound("no job " + jobId));
            }
            if (job.phase.isTerminal()) {
                return Uni.createFrom().voidItem();
            }
            return outbox.append(Topics.JOB_TERMINATION_REQUESTED, JobTerminationRequested.of(jobId, caller));
        })).invoke(relay::publishSoon);
    }

    private String write(JobSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job spec not serializable", e);
        }
    }
}
