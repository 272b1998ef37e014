package dev.parcel.testkit;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A service test with tracing on: the SDK the services keep disabled by default records spans, exported at once to
 * the test's own {@code InMemorySpanExporter} bean (each traced module's tests produce one).
 */
public class TracingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
    }
}
