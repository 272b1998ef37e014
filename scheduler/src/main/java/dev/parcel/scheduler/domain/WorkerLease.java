package dev.parcel.scheduler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker holds the jobs placed on it for as long as it keeps heartbeating. {@code lastHeard} is when the scheduler
 * received its latest heartbeat, by the scheduler's clock: a worker's own clock may be far off, and a lease measured
 * with it would run out early or never.
 */
public record WorkerLease(String workerId, Instant lastHeard) {

    /**
     * A worker heard exactly {@code lease} ago still holds it; its jobs are lost only once it is silent for longer.
     * Silence counts from {@code listeningSince} at the earliest: a scheduler that just started, or could not hear
     * heartbeats for a while (the broker or its database away), is still catching up on the heartbeats sent
     * meanwhile and has not yet had a lease's time to hear anyone.
     */
    public boolean lostAt(Instant now, Duration lease, Instant listeningSince) {
        Instant silentSince = lastHeard.isAfter(listeningSince) ? lastHeard : listeningSince;
        return silentSince.plus(lease).isBefore(now);
    }

    public static List<String> lost(List<WorkerLease> leases, Instant now, Duration lease, Instant listeningSince) {
        return leases.stream().filter(worker -> worker.lostAt(now, lease, listeningSince))
                .map(WorkerLease::workerId).toList();
    }
}
