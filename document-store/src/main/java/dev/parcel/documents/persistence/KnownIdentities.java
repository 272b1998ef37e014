package dev.parcel.documents.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The identities this service knows of; learning one twice changes nothing. */
@ApplicationScoped
public class KnownIdentities {

    public Uni<Void> learn(String identityId, String tokenVerifiersJson, Instant registeredAt) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO known_identities (id, token_verifiers, registered_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (id) DO NOTHING""")
                .setParameter(1, identityId)
                .setParameter(2, tokenVerifiersJson)
                .setParameter(3, registeredAt)
                .executeUpdate())).replaceWithVoid();
    }
}
