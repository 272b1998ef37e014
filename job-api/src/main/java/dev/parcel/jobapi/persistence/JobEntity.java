package dev.parcel.jobapi.persistence;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.jobapi.domain.JobStatus;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of the jobs read model. */
@Entity
@Table(name = "jobs")
public class JobEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String submitter;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The JobSpec as submitted, as JSON text. */
    @Column(nullable = false)
    public String spec;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobPhase phase;

    public String message;

    /** The worker running (or that ran) the newest attempt. */
    public String host;

    @Column(nullable = false)
    public int attempt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** How many statuses the job has had; the newest is number {@code statusSeq} in job_status_changes. */
    @Column(name = "status_seq", nullable = false)
    public int statusSeq = 1;

    /** The newest attempt's exit code, when its command ran to an end. */
    @Column(name = "exit_code")
    public Integer exitCode;

    @Enumerated(EnumType.STRING)
    public JobReason reason;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** The documents made from its outputs, as JSON {@code [{id, mountPath}]}; null until it completes. */
    @Column(name = "output_documents")
    public String outputDocuments;

    public JobStatus status() {
        return new JobStatus(phase, message, host, attempt, exitCode, reason, startedAt, finishedAt);
    }

    /** Takes {@code status} as the job's newest, whole. */
    public void show(JobStatus status) {
        phase = status.phase();
        message = status.message();
        host = status.host();
        attempt = status.attempt();
        exitCode = status.exitCode();
        reason = status.reason();
        startedAt = status.startedAt();
        finishedAt = status.finishedAt();
    }
}
