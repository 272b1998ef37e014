package dev.parcel.documents.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the store holds: {@code parcel_documents_stored} and {@code parcel_documents_stored_size_bytes} (plaintext sizes).
 * Read on a timer, not when scraped: a scrape must not wait for the database.
 */
// Made at start, not at first use: its meters are scraped before anything else touches it.
@Startup
@ApplicationScoped
public class StorageGauges {
    private final Pool database;
    private final AtomicLong documents = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    StorageGauges(Pool database, MeterRegistry metrics) {
        this.database = database;
        Gauge.builder("parcel.documents.stored", documents, AtomicLong::get)
                .description("Documents in the store").register(metrics);
        Gauge.builder("parcel.documents.stored.size", bytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes of the documents in the store, before encryption").register(metrics);
    }

    @Scheduled(every = "${parcel.metrics.refresh-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return database.query("SELECT count(*) AS documents, coalesce(sum(size), 0) AS bytes FROM documents").execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    documents.set(row.getLong("documents"));
                    bytes.set(row.getLong("bytes"));
                })
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
