package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Remembers which events were applied; the insert and the change it guards share one transaction. */
@ApplicationScoped
public class ProcessedEvents {

    /** True the first time an event id is seen in the current transaction's view; false for a replay. */
    public Uni<Boolean> firstTime(UUID eventId) {
        return Panache.getSession()
                .chain(session -> session
                        .createNativeQuery("INSERT INTO processed_events (event_id) VALUES (?1) ON CONFLICT DO NOTHING")
                        .setParameter(1, eventId)
                        .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
