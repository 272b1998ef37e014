package dev.parcel.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.ParcelEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Function;

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when the change it
 * announces was committed. The caller asks {@link OutboxRelay#publishSoon()} after the commit. Each event keeps the
 * trace it was appended in (see {@link TraceParent}), which the relay carries on to the record.
 */
@ApplicationScoped
public class Outbox {
    private static final String APPEND_ALL = """
            INSERT INTO outbox (topic, event_key, event_type, payload, traceparent)
            SELECT cast(?1 as text), key, type, payload, traceparent
            FROM unnest(cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]), cast(?5 as text[]))
                AS e (key, type, payload, traceparent)""";

    private final ObjectMapper json;

    Outbox(ObjectMapper json) {
        this.json = json;
    }

    /** In the current span's trace, if any. */
    public Uni<Void> append(String topic, ParcelEvent event) {
        return appendAll(topic, List.of(event));
    }

    /** In the current span's trace, if any. */
    public Uni<Void> appendAll(String topic, List<? extends ParcelEvent> events) {
        String traceparent = TraceParent.current();
        return appendAll(topic, events, event -> traceparent);
    }

    /**
     * Appends events to one topic in a single statement, however many: a placement round appends thousands, which
     * as entities with generated ids would cost a round trip each. {@code traceparents} says which trace each event
     * belongs to (null: none): a round's placements belong to their jobs' traces, not to the round's.
     */
    public <E extends ParcelEvent> Uni<Void> appendAll(String topic, List<E> events,
            Function<? super E, String> traceparents) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int count = events.size();
        String[] keys = new String[count];
        String[] types = new String[count];
        String[] payloads = new String[count];
        String[] traceparentsOf = new String[count];
        try {
            for (int i = 0; i < count; i++) {
                E event = events.get(i);
                keys[i] = event.key();
                traceparentsOf[i] = traceparents.apply(event);
                types[i] = event.getClass().getSimpleName();
                payloads[i] = json.writeValueAsString(event);
            }
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event not serializable", e));
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(APPEND_ALL)
                .setParameter(1, topic)
                .setParameter(2, keys)
                .setParameter(3, types)
                .setParameter(4, payloads)
                .setParameter(5, traceparentsOf)
                .executeUpdate()).replaceWithVoid();
    }
}
