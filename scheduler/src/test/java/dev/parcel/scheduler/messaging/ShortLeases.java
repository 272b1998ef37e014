package dev.parcel.scheduler.messaging;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Leases short enough for a test to watch workers get lost, checked often, and two attempts per job. */
public class ShortLeases implements QuarkusTestProfile {
    static final int MAX_ATTEMPTS = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("parcel.scheduler.worker-lease", "3s", "parcel.scheduler.lease-check-interval", "500ms",
                "parcel.scheduler.max-attempts", String.valueOf(MAX_ATTEMPTS));
    }
}
