package dev.parcel.jobapi.operations;

import dev.parcel.jobapi.domain.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * What the edge counts of jobs, on the management port's {@code /q/metrics}: {@code parcel_jobs_submitted_total},
 * {@code parcel_jobs_completed_total{phase,reason}} and {@code parcel_job_run_seconds} (from the container's start
 * to its end). A job is counted when the read model first shows it ended, so a replayed report is not counted again.
 */
// Made at start, not at first use: its meters are scraped before anything else touches it.
@Startup
@ApplicationScoped
public class JobMetrics {
    private final MeterRegistry registry;
    private final Counter submitted;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submitted = Counter.builder("parcel.jobs.submitted").description("Jobs accepted by POST /v1/compute/jobs")
                .register(registry);
    }

    public void submitted() {
        submitted.increment();
    }

    public void ended(JobStatus status) {
        Counter.builder("parcel.jobs.completed").description("Jobs that ended, by phase and reason")
                .tag("phase", status.phase().name())
                .tag("reason", status.reason() == null ? "" : status.reason().name())
                .register(registry).increment();
        if (status.startedAt() != null && status.finishedAt() != null) {
            Timer.builder("parcel.job.run").description("How long jobs ran, from their container's start to its end")
                    .register(registry).record(Duration.between(status.startedAt(), status.finishedAt()));
        }
    }
}
