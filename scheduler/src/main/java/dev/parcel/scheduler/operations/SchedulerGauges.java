package dev.parcel.scheduler.operations;

import dev.parcel.scheduler.config.SchedulerConfig;
import dev.parcel.scheduler.domain.Worker;
import dev.parcel.scheduler.persistence.SchedulerStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The queue and the workers as the scheduler sees them: {@code parcel_queue_depth},
 * {@code parcel_queue_oldest_age_seconds}, {@code parcel_workers_live}, and per worker
 * {@code parcel_worker_free_cpus} and {@code parcel_worker_free_memory_bytes}. Read on a timer, not when scraped:
 * a scrape must not wait for the database, and a database that is away leaves the last figures standing.
 */
// Made at start, not at first use: its meters are scraped before anything else touches it.
@Startup
@ApplicationScoped
public class SchedulerGauges {
    private final SchedulerStore store;
    private final SchedulerConfig config;
    private final AtomicLong queueDepth = new AtomicLong();
    /** When the oldest queued job was submitted, in epoch milliseconds; 0 when none waits. */
    private final AtomicLong oldestSubmittedAt = new AtomicLong();
    private final AtomicLong liveWorkers = new AtomicLong();
    private final MultiGauge freeCpus;
    private final MultiGauge freeMemory;

    SchedulerGauges(SchedulerStore store, SchedulerConfig config, MeterRegistry metrics) {
        this.store = store;
        this.config = config;
        Gauge.builder("parcel.queue.depth", queueDepth, AtomicLong::get)
                .description("Jobs queued and not placed").register(metrics);
        Gauge.builder("parcel.queue.oldest.age", oldestSubmittedAt, SchedulerGauges::ageSeconds)
                .baseUnit("seconds").description("How long the oldest queued job has waited").register(metrics);
        Gauge.builder("parcel.workers.live", liveWorkers, AtomicLong::get)
                .description("Workers heard from recently enough to get jobs, not draining").register(metrics);
        freeCpus = MultiGauge.builder("parcel.worker.free.cpus")
                .description("Cpus a live worker has left for new jobs").register(metrics);
        freeMemory = MultiGauge.builder("parcel.worker.free.memory").baseUnit("bytes")
                .description("Memory a live worker has left for new jobs").register(metrics);
    }

    @Scheduled(every = "${parcel.metrics.refresh-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return Panache.withSession(() -> store.queueSummary().invoke(queue -> {
            queueDepth.set(queue.depth());
            oldestSubmittedAt.set(queue.oldestSubmittedAt() == null ? 0 : queue.oldestSubmittedAt().toEpochMilli());
        }).chain(() -> store.placeableWorkers(Instant.now().minus(config.placeableFor()))).invoke(workers -> {
            liveWorkers.set(workers.size());
            freeCpus.register(rows(workers, Worker::freeCpus), true);
            freeMemory.register(rows(workers, Worker::freeMemoryBytes), true);
        })).replaceWithVoid().onFailure().recoverWithNull();
    }

    private static List<MultiGauge.Row<?>> rows(List<Worker> workers, ToDoubleFunction<Worker> value) {
        return workers.stream().<MultiGauge.Row<?>>map(worker -> MultiGauge.Row.of(Tags.of("worker", worker.id()),
                value.applyAsDouble(worker))).toList();
    }

    private static double ageSeconds(AtomicLong submittedAtMillis) {
        long since = submittedAtMillis.get();
        return since == 0 ? 0 : Math.max(0, System.currentTimeMillis() - since) / 1000.0;
    }
}
