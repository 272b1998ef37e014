package dev.parcel.documents.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

@Entity
@Table(name = "grants")
public class GrantEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String granter;

    /** An identity id, or "everyone". */
    @Column(nullable = false)
    public String grantee;

    /** The condition as the client sent it (JSON text), parsed again on every read; null means always. */
    public String condition;

    /** Space-separated: "read", or "read extend". */
    @Column(nullable = false)
    public String capabilities;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The grants that could let {@code reader} read documents owned by {@code owner}. */
    public static Uni<List<GrantEntity>> from(String owner, String reader) {
        return list("granter = ?1 and grantee in (?2, 'everyone')", owner, reader);
    }
}
