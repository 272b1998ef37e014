package dev.parcel.executor.domain;

import dev.parcel.events.jobspec.JobTimeout;
import java.time.Duration;

/**
 * How long a job may run: its own {@code timeout} when it sets one within the worker's maximum run time, else that
 * maximum.
 */
public record RunLimit(Duration duration, boolean ownTimeout) {

    public static RunLimit of(String timeout, Duration workersMaximum) {
        if (timeout == null) {
            return new RunLimit(workersMaximum, false);
        }
        Duration own = JobTimeout.parse(timeout);
        return own.compareTo(workersMaximum) <= 0 ? new RunLimit(own, true) : new RunLimit(workersMaximum, false);
    }

    /** "its timeout of 3s", "this worker's maximum run time of 24h". */
    String describe() {
        String text = duration.toString().substring(2).toLowerCase();
        return ownTimeout ? "its timeout of " + text : "this worker's maximum run time of " + text;
    }
}
