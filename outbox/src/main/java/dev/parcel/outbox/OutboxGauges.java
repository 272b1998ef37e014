package dev.parcel.outbox;

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
 * How many events wait in the outbox ({@code parcel_outbox_depth}) and how many it set aside for good
 * ({@code parcel_outbox_parked_rows}). Counted on a timer, not when scraped: a scrape must not wait for the
 * database, and a database that is away leaves the last counts standing.
 */
// Made at start, not at first use: its meters are scraped before anything else touches it.
@Startup
@ApplicationScoped
public class OutboxGauges {
    private final Pool database;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong parkedRows = new AtomicLong();

    OutboxGauges(Pool database, MeterRegistry metrics) {
        this.database = database;
        Gauge.builder("parcel.outbox.depth", depth, AtomicLong::get)
                .description("Events written to the outbox and not yet published").register(metrics);
        Gauge.builder("parcel.outbox.parked.rows", parkedRows, AtomicLong::get)
                .description("Events the broker refused for good, set aside in outbox_parked").register(metrics);
    }

    @Scheduled(every = "${parcel.metrics.refresh-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refresh() {
        return database.query("SELECT (SELECT count(*) FROM outbox) AS depth,"
                        + " (SELECT count(*) FROM outbox_parked) AS parked").execute()
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    depth.set(row.getLong("depth"));
                    parkedRows.set(row.getLong("parked"));
                })
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
