package dev.parcel.inbox;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while a consumer waits for a dependency to come back (the topic it holds, and why); ready again on its
 * own once the record went through. Only readiness: a restart would not bring the database or the broker back.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {
    private final Map<String, String> waiting = new ConcurrentHashMap<>();

    void waiting(String topic, String why) {
        waiting.put(topic, why);
    }

    /** True when the topic was waiting. */
    boolean recovered(String topic) {
        return waiting.remove(topic) != null;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("event consumers").status(waiting.isEmpty());
        waiting.forEach((topic, why) -> response.withData(topic, "retrying: " + why));
        return response.build();
    }
}
