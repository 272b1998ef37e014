package dev.parcel.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.ParcelEvent;

/** Turns a record's JSON into its event, refusing what a consumer must not act on. */
final class EventDecoder {
    private EventDecoder() {
    }

    /**
     * The event, or an {@link UnprocessableEvent} when the value is not that event's JSON, its version is not one
     * of {@code 1..newestVersion}, or it lacks what every event has (id, time, key). Unknown fields are accepted:
     * fields are only ever added within a version.
     */
    static <T extends ParcelEvent> T decode(ObjectMapper json, String value, Class<T> type, int newestVersion) {
        String name = type.getSimpleName();
        if (value == null) {
            throw new UnprocessableEvent("the record has no value; expected a " + name);
        }
        T event;
        try {
            event = json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new UnprocessableEvent("not a " + name + " in JSON: " + e.getOriginalMessage());
        }
        if (event == null) {
            throw new UnprocessableEvent("the record's value is JSON null; expected a " + name);
        }
        if (event.version() < 1 || event.version() > newestVersion) {
            throw new UnprocessableEvent(name + " version " + event.version() + " is unknown to this consumer, which"
                    + " reads versions 1 to " + newestVersion);
        }
        if (event.eventId() == null || event.occurredAt() == null || event.key() == null) {
            throw new UnprocessableEvent(name + " lacks its eventId, occurredAt or key field");
        }
        return event;
    }
}
