package dev.parcel.jobapi.api;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Where the job-api's spans go in tests: a span exporter bean takes the place of OTLP. Only the tracing profile
 * ({@link TracedSubmissionTest}) turns the SDK on; elsewhere nothing is recorded.
 */
@ApplicationScoped
class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
