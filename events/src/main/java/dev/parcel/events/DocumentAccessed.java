package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A document's content was read: downloaded by {@code accessor}, or staged for job {@code jobId} (null for a direct
 * download). Only successful reads are announced. Keyed by document id.
 */
public record DocumentAccessed(
        UUID eventId, Instant occurredAt, int version, String documentId, String owner, String accessor,
        String jobId)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static DocumentAccessed of(String documentId, String owner, String accessor, String jobId) {
        return new DocumentAccessed(UUID.randomUUID(), Instant.now(), VERSION, documentId, owner, accessor, jobId);
    }

    @Override
    public String key() {
        return documentId;
    }
}
