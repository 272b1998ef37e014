package dev.parcel.inbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * One line per key and window out of many alike: the first of a window is let through with how many were held back
 * since the last one let through; the others are held back.
 */
final class RepeatFolding {
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<Object, long[]> startAndHeldBack = new HashMap<>();

    RepeatFolding(Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** How many were held back before this one, when this one is let through; empty when it is held back. */
    synchronized OptionalLong pass(Object key) {
        long now = nanoClock.getAsLong();
        long[] state = startAndHeldBack.get(key);
        if (state != null && now - state[0] < windowNanos) {
            state[1]++;
            return OptionalLong.empty();
        }
        long heldBack = state == null ? 0 : state[1];
        startAndHeldBack.put(key, new long[] {now, 0});
        return OptionalLong.of(heldBack);
    }
}
