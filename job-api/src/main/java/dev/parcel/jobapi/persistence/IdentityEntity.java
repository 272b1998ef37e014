package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "identities")
public class IdentityEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
