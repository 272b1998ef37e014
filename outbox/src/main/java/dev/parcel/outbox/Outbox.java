package dev.parcel.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.ParcelEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends an event to the outbox inside the caller's transaction, so the event exists exactly when the change it
 * announces was committed.
 */
@ApplicationScoped
public class Outbox {
    private final ObjectMapper json;

    Outbox(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> append(String topic, ParcelEvent event) {
        var entry = new OutboxEntry();
        entry.topic = topic;
        entry.eventKey = event.key();
        entry.eventType = event.getClass().getSimpleName();
        try {
            entry.payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event not serializable", e));
        }
        return entry.persist().replaceWithVoid();
    }
}
