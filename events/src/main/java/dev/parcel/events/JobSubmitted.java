package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/** A job was accepted by the API and is durable; the scheduler queues it. */
public record JobSubmitted(UUID eventId, Instant occurredAt, int version, String jobId, String submitter, JobSpec spec)
        implements ParcelEvent {

    public static final int VERSION = 1;

    public static JobSubmitted of(String jobId, String submitter, JobSpec spec) {
        return new JobSubmitted(UUID.randomUUID(), Instant.now(), VERSION, jobId, submitter, spec);
    }

    @Override
    public String key() {
        return jobId;
    }
}
