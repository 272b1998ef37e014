package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * What every event on the bus carries. Consumers record {@link #eventId()} of what they applied so a
 * replayed event changes nothing; {@link #version()} lets a consumer refuse a shape it does not know.
 */
public interface ParcelEvent {
    UUID eventId();

    Instant occurredAt();

    int version();

    /** The Kafka record key: the job id for job events, so one job's events stay ordered in one partition. */
    String key();
}
