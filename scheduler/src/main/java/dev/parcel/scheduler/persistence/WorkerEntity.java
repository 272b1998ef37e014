package dev.parcel.scheduler.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "workers")
public class WorkerEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public double cpus;

    @Column(name = "memory_bytes", nullable = false)
    public long memoryBytes;

    @Column(name = "max_cpus_per_job", nullable = false)
    public double maxCpusPerJob;

    @Column(name = "max_memory_bytes_per_job", nullable = false)
    public long maxMemoryBytesPerJob;

    /** When the scheduler received its latest heartbeat, by the scheduler's clock. */
    @Column(name = "last_heartbeat", nullable = false)
    public Instant lastHeartbeat;

    /** It is stopping: it keeps its jobs, but no new ones are placed on it. */
    @Column(nullable = false)
    public boolean draining;
}
