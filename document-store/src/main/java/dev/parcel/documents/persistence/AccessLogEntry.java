package dev.parcel.documents.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One successful read of a document's content. */
@Entity
@Table(name = "access_log")
public class AccessLogEntry extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "document_id", nullable = false)
    public String documentId;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String accessor;

    /** The job the read was made for; null for a direct download. */
    @Column(name = "job_id")
    public String jobId;

    @Column(name = "accessed_at", nullable = false)
    public Instant accessedAt;
}
