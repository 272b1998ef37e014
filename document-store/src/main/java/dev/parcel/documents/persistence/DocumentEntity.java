package dev.parcel.documents.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A document's metadata; its bytes are the blob with the same id. */
@Entity
@Table(name = "documents")
public class DocumentEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String creator;

    @Column(nullable = false)
    public String owner;

    public String title;

    /** The tags as a JSON array. */
    @Column(nullable = false)
    public String tags;

    @Column(nullable = false)
    public long size;

    @Column(name = "originating_job")
    public String originatingJob;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The key the upload named itself with, unique per creator; null for an upload without one. */
    @Column(name = "idempotency_key")
    public String idempotencyKey;
}
