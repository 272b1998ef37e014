package dev.parcel.executor;

import java.time.Duration;

/** Pauses before asking again what did not answer (a broker, an engine): doubling from the first to the longest. */
final class Backoff {
    private final Duration longest;
    private Duration next;

    Backoff(Duration first, Duration longest) {
        this.next = first;
        this.longest = longest;
    }

    void pause() throws InterruptedException {
        Thread.sleep(next.toMillis());
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(longest) > 0 ? longest : doubled;
    }
}
