package dev.parcel.documents.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The identities this service knows of and their token verifiers; learning one twice changes nothing. */
@ApplicationScoped
public class KnownIdentities {

    /** A verifier: the identity whose tokens carry this (iss, sub), and the public JWK as JSON text. */
    public record Verifier(String identityId, String publicKeyJson) {
    }

    public record VerifierRow(String issuer, String subject, String publicKeyJson) {
    }

    public Uni<Void> learn(String identityId, List<VerifierRow> verifiers, Instant registeredAt) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> {
            Uni<Integer> chain = session.createNativeQuery("""
                    INSERT INTO known_identities (id, registered_at) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING""")
                    .setParameter(1, identityId)
                    .setParameter(2, registeredAt)
                    .executeUpdate();
            for (VerifierRow verifier : verifiers) {
                chain = chain.chain(() -> session.createNativeQuery("""
                        INSERT INTO known_token_verifiers (issuer, subject, identity_id, public_key)
                        VALUES (?1, ?2, ?3, ?4) ON CONFLICT (issuer, subject) DO NOTHING""")
                        .setParameter(1, verifier.issuer())
                        .setParameter(2, verifier.subject())
                        .setParameter(3, identityId)
                        .setParameter(4, verifier.publicKeyJson())
                        .executeUpdate());
            }
            return chain;
        })).replaceWithVoid();
    }

    public Uni<Verifier> verifierFor(String issuer, String subject) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT identity_id, public_key FROM known_token_verifiers WHERE issuer = ?1 AND subject = ?2""",
                Object[].class)
                .setParameter(1, issuer)
                .setParameter(2, subject)
                .getResultList()))
                .map(rows -> rows.isEmpty() ? null : new Verifier((String) rows.get(0)[0], (String) rows.get(0)[1]));
    }

    public Uni<Boolean> exists(String identityId) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM known_identities WHERE id = ?1", Long.class)
                .setParameter(1, identityId)
                .getSingleResult())).map(count -> count > 0);
    }
}
