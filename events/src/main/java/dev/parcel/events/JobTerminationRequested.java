package dev.parcel.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The submitter asked to stop a job that had not ended. The scheduler fails it if it is still queued; the
 * executor running it kills its container. Either way the job ends {@code Failed}, saying it was terminated.
 */
public record JobTerminationRequested(UUID eventId, Instant occurredAt, int version, String jobId,
        String requestedBy) implements ParcelEvent {

    public static final int VERSION = 1;

    /** The status message of a job that ended because its submitter terminated it. */
    public static final String TERMINATED_MESSAGE = "terminated by its submitter";

    public static JobTerminationRequested of(String jobId, String requestedBy) {
        return new JobTerminationRequested(UUID.randomUUID(), Instant.now(), VERSION, jobId, requestedBy);
    }

    @Override
    public String key() {
        return jobId;
    }
}
