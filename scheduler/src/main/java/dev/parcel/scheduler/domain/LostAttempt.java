package dev.parcel.scheduler.domain;

import java.util.List;

/**
 * A placed attempt of a job whose worker's lease ran out, with what decides its fate: the workers its earlier
 * attempts were lost with (oldest first), and whether its submitter asked to terminate it.
 */
public record LostAttempt(String jobId, int attempt, String workerId, List<String> earlierLostWorkers,
        boolean terminationRequested) {
}
