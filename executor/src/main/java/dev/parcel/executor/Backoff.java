package dev.parcel.executor;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** Pauses before asking again what did not answer (a broker, an engine): doubling from the first to the longest. */
public final class Backoff {
    private static final Logger LOG = Logger.getLogger(Backoff.class);
    private final Duration longest;
    private Duration next;

    public Backoff(Duration first, Duration longest) {
        this.next = first;
        this.longest = longest;
    }

    /**
     * Calls {@code call} until it answers, pausing between tries while it fails in a way that may pass; the first
     * such failure is logged once, as "{@code waiting} waits for …". Empty when the thread is interrupted meanwhile.
     */
    <T> Optional<T> untilAnswered(String waiting, Predicate<RuntimeException> mayPass, Supplier<T> call) {
        boolean said = false;
        while (true) {
            try {
                return Optional.of(call.get());
            } catch (RuntimeException e) {
                if (!mayPass.test(e)) {
                    throw e;
                }
                if (!said) {
                    LOG.warnf("%s: %s", waiting, e.getMessage());
                    said = true;
                }
                try {
                    pause();
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    public void pause() throws InterruptedException {
        Thread.sleep(next.toMillis());
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(longest) > 0 ? longest : doubled;
    }
}
