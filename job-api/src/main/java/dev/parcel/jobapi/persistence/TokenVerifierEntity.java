package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;

@Entity
@Table(name = "token_verifiers")
public class TokenVerifierEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "identity_id", nullable = false)
    public String identityId;

    @Column(nullable = false)
    public String issuer;

    @Column(nullable = false)
    public String subject;

    /** The public JWK as JSON text. */
    @Column(name = "public_key", nullable = false)
    public String publicKey;

    public static Uni<TokenVerifierEntity> findByIssuerAndSubject(String issuer, String subject) {
        return find("issuer = ?1 and subject = ?2", issuer, subject).firstResult();
    }

    public static Uni<List<TokenVerifierEntity>> listOf(String identityId) {
        return list("identityId = ?1 order by id", identityId);
    }
}
