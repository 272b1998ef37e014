package dev.parcel.jobapi.domain;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** How many event streams each identity holds open, up to a maximum each. */
public final class StreamQuota {
    private final int maxPerIdentity;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    public StreamQuota(int maxPerIdentity) {
        this.maxPerIdentity = maxPerIdentity;
    }

    /** Counts one more stream of {@code identity}, unless it holds the maximum already. */
    public boolean tryOpen(String identity) {
        var opened = new boolean[1];
        open.compute(identity, (who, count) -> {
            int now = count == null ? 0 : count;
            opened[0] = now < maxPerIdentity;
            return opened[0] ? now + 1 : now;
        });
        return opened[0];
    }

    public void closed(String identity) {
        open.computeIfPresent(identity, (who, count) -> count > 1 ? count - 1 : null);
    }

    public int maxPerIdentity() {
        return maxPerIdentity;
    }
}
