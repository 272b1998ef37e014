package dev.parcel.scheduler.messaging;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where the scheduler's spans go in tests: a span exporter bean takes the place of OTLP. Only the tracing profile
 * ({@link TracedPlacementTest}) turns the SDK on; elsewhere nothing is recorded.
 */
@ApplicationScoped
class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
