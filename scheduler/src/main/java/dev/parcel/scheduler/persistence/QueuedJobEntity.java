package dev.parcel.scheduler.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "queued_jobs")
public class QueuedJobEntity extends PanacheEntityBase {
    public enum State {
        /** Waiting for a worker with room. */
        QUEUED,
        /** Placed on {@code workerId}; its granted resources count against that worker. */
        SCHEDULED,
        /** Its attempt completed; it holds nothing. */
        DONE
    }

    @Id
    @Column(name = "job_id")
    public String jobId;

    @Column(nullable = false)
    public String submitter;

    /** The JobSpec as JSON text, forwarded to the worker. */
    @Column(nullable = false)
    public String spec;

    @Column(name = "requested_cpus", nullable = false)
    public double requestedCpus;

    @Column(name = "requested_memory_bytes", nullable = false)
    public long requestedMemoryBytes;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    @Column(nullable = false)
    public int attempt;

    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "granted_cpus")
    public Double grantedCpus;

    @Column(name = "granted_memory_bytes")
    public Long grantedMemoryBytes;

    /** Why it waits, as its submitter was last told; null when it was not told yet in this wait. */
    @Column(name = "wait_reason")
    public String waitReason;

    /** The trace of its submission, as a W3C traceparent; null when it arrived untraced. */
    @Column(name = "traceparent")
    public String traceparent;

    @Column(name = "submitted_at", nullable = false)
    public Instant submittedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
