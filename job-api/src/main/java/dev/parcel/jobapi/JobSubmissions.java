package dev.parcel.jobapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.ResourceIds;
import dev.parcel.events.Topics;
import dev.parcel.events.jobspec.JobSpecRules;
import dev.parcel.jobapi.domain.IdempotencyKey;
import dev.parcel.jobapi.domain.JobStatus;
import dev.parcel.jobapi.domain.SpecFingerprint;
import dev.parcel.jobapi.operations.JobMetrics;
import dev.parcel.jobapi.persistence.IdempotencyKeys;
import dev.parcel.jobapi.persistence.IdentityEntity;
import dev.parcel.jobapi.persistence.JobEntity;
import dev.parcel.jobapi.persistence.StatusChanges;
import dev.parcel.outbox.Outbox;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Accepting jobs, and terminating them at their submitter's request. */
@ApplicationScoped
public class JobSubmissions {
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final JobReads reads;
    private final StatusChanges statusChanges;
    private final IdempotencyKeys idempotencyKeys;
    private final ObjectMapper json;
    private final JobMetrics metrics;

    JobSubmissions(Outbox outbox, OutboxRelay relay, JobReads reads, StatusChanges statusChanges,
            IdempotencyKeys idempotencyKeys, ObjectMapper json, JobMetrics metrics) {
        this.metrics = metrics;
        this.outbox = outbox;
        this.relay = relay;
        this.reads = reads;
        this.statusChanges = statusChanges;
        this.idempotencyKeys = idempotencyKeys;
        this.json = json;
    }

    /** The answer to a submission: the job, and whether this request made it or an earlier one with its key did. */
    public record Submission(JobReads.Job job, boolean created) {
    }

    /**
     * Checks the spec's rules and that its output owners exist, then stores the job as Pending with its
     * JobSubmitted in one transaction; returns once both are durable. With an idempotency key (null for none), the
     * key is recorded in that transaction too, and a submission whose key already names a job gets that job
     * instead; with another spec than that job's, it is refused.
     */
    public Uni<Submission> submit(String submitter, JobSpec spec, String idempotencyKey) {
        var keyProblem = idempotencyKey == null ? Optional.<String>empty()
                : IdempotencyKey.problemWith(idempotencyKey);
        if (keyProblem.isPresent()) {
            return Uni.createFrom().failure(ApiProblem.invalid(keyProblem.get()));
        }
        var problems = JobSpecRules.problemsWith(spec);
        if (!problems.isEmpty()) {
            return Uni.createFrom().failure(ApiProblem.invalid(String.join("; ", problems)));
        }
        String jobId = ResourceIds.newJobId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> idempotencyKey == null
                ? storeNew(submitter, spec, jobId, now)
                : storeOnce(submitter, spec, new IdempotencyKey(idempotencyKey), jobId, now))
                .invoke(submission -> {
                    if (submission.created()) {
                        relay.publishSoon();
                        metrics.submitted();
                    }
                });
    }

    /**
     * The key's job if it names one already (a retry, or a request that raced this one and committed first), else
     * a new job under it.
     */
    private Uni<Submission> storeOnce(String submitter, JobSpec spec, IdempotencyKey key, String jobId, Instant now) {
        String fingerprint = SpecFingerprint.of(spec);
        return idempotencyKeys.claim(submitter, key, fingerprint, jobId, now).chain(claimed -> claimed
                ? storeNew(submitter, spec, jobId, now)
                : idempotencyKeys.holder(submitter, key).chain(holder -> {
                    if (!holder.fingerprint().equals(fingerprint)) {
                        return Uni.createFrom().failure(ApiProblem.unprocessable(IdempotencyKey.HEADER + ": this"
                                + " key was already used for a different job spec; use a new key for a new job"));
                    }
                    return reads.find(submitter, holder.jobId()).map(job -> new Submission(job, false));
                }));
    }

    private Uni<Submission> storeNew(String submitter, JobSpec spec, String jobId, Instant now) {
        return outputOwnersMustExist(spec).chain(() -> store(submitter, spec, jobId, now))
                .map(job -> new Submission(job, true));
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

    private Uni<JobReads.Job> store(String submitter, JobSpec spec, String jobId, Instant createdAt) {
        var job = new JobEntity();
        job.id = jobId;
        job.submitter = submitter;
        job.createdAt = createdAt;
        job.updatedAt = job.createdAt;
        job.spec = write(spec);
        job.show(JobStatus.submitted());
        return job.persist()
                .chain(() -> statusChanges.record(new StatusChanges.Change(job.id, job.statusSeq, job.status(),
                        job.createdAt)))
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
