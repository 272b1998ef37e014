package dev.parcel.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "parcel.scheduler")
public interface SchedulerConfig {

    /** Cpus a job gets when its spec names none (then clamped like any request). */
    @WithDefault("1")
    double defaultCpus();

    /** Memory a job gets when its spec names none, in Parcel's notation. */
    @WithDefault("512M")
    String defaultMemory();

    /** A worker silent for longer than this (or than its lease, if shorter) gets no new jobs. */
    @WithDefault("15s")
    Duration workerTimeout();

    /**
     * A worker silent for longer than this loses its jobs: each is queued again as its next attempt, or ends Failed.
     * Silence is measured by the scheduler's clock, from when it received the worker's latest heartbeat.
     */
    @WithDefault("30s")
    Duration workerLease();

    /** How long after its latest heartbeat a worker may get new jobs: the shorter of its timeout and its lease. */
    default Duration placeableFor() {
        return workerTimeout().compareTo(workerLease()) < 0 ? workerTimeout() : workerLease();
    }

    /** How often leases are checked (read by LeaseCheck's schedule). */
    @WithDefault("5s")
    Duration leaseCheckInterval();

    /** How many attempts a job gets; a job that loses its worker on the last one ends Failed. */
    @WithDefault("3")
    int maxAttempts();

    /** How often a round runs without an event to trigger it (read by PlacementRound's schedule). */
    @WithDefault("5s")
    Duration roundInterval();

    /**
     * How many queued jobs one placement round considers. Chosen by bench/run scheduling: 500 placed 6,700/s,
     * 2,000 placed 9,100/s, 5,000 9,700/s (with a larger transaction per round).
     */
    @WithDefault("2000")
    int roundSize();
}
