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

    /** A worker heard exactly {@code lease} ago still holds it; its jobs are lost only once it is silent for longer. */
    public boolean lostAt(Instant now, Duration lease) {
        return lastHeard.plus(lease).isBefore(now);
    }

    public static List<String> lost(List<WorkerLease> leases, Instant now, Duration lease) {
        return leases.stream().filter(worker -> worker.lostAt(now, lease)).map(WorkerLease::workerId).toList();
    }
}
