package dev.parcel.executor.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A worker whose Docker engine does not answer cannot run jobs, so it is not ready. */
@Readiness
@ApplicationScoped
public class DockerEngineHealth implements HealthCheck {
    private final DockerEngine engine;

    DockerEngineHealth(DockerEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Docker engine").withData("apiVersion", engine.apiVersion());
        try {
            engine.client().pingCmd().exec();
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
