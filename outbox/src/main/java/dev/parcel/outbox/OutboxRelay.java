package dev.parcel.outbox;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to Kafka. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} and deleted in the same
 * transaction that waits for the broker's acknowledgement: a crash or a broker outage leaves them for the next try,
 * and replicas never publish the same row at once. A commit that fails after the broker acknowledged would publish
 * a row twice, which consumers absorb by event id.
 */
@ApplicationScoped
public class OutboxRelay {
    static final String EVENT_TYPE_HEADER = "parcel-event-type";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    private static final String CLAIM = """
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, topic, event_key, event_type, payload""";

    private final Pool database;
    private final MutinyEmitter<String> kafka;
    /** 0: idle; 1: a pass runs; more: commits were announced during it. */
    private final AtomicInteger publishing = new AtomicInteger();

    OutboxRelay(Pool database, @Channel("outbox") MutinyEmitter<String> kafka) {
        this.database = database;
        this.kafka = kafka;
    }

    /**
     * Publishes what is pending now, without making the caller wait; the sweep retries anything that fails. Calls
     * made while a publication runs are coalesced into one more pass after it, so a burst of commits costs a few
     * batches rather than a transaction each.
     */
    public void publishSoon() {
        if (publishing.getAndIncrement() == 0) {
            pass();
        }
    }

    private void pass() {
        publishPending().subscribe().with(published -> passDone(), failure -> {
            LOG.warnf("outbox publish deferred to the next sweep: %s", failure.getMessage());
            publishing.set(0);
        });
    }

    /** Runs one more pass if commits were announced during this one, else goes idle. */
    private void passDone() {
        if (publishing.getAndSet(1) > 1) {
            pass();
        } else if (!publishing.compareAndSet(1, 0)) {
            passDone();
        }
    }

    /** Not before the application has started: until then the emitter's channel may not be connected yet. */
    @Scheduled(every = "${parcel.outbox.sweep-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return publishPending().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf("outbox sweep failed: %s", failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Publishes batches until the outbox is empty; the item is how many events went out. */
    public Uni<Integer> publishPending() {
        return publishBatch().chain(count -> count < BATCH
                ? Uni.createFrom().item(count)
                : publishPending().map(more -> count + more));
    }

    private Uni<Integer> publishBatch() {
        return database.withTransaction(connection -> connection.preparedQuery(CLAIM).execute(Tuple.of(BATCH))
                .chain(rows -> {
                    var claimed = new ArrayList<Row>();
                    rows.forEach(claimed::add);
                    // Per-key order is the order of the sends; RETURNING gives no order.
                    claimed.sort(Comparator.comparingLong(row -> row.getLong("id")));
                    return send(claimed).replaceWith(claimed.size());
                }));
    }

    private Uni<Void> send(List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var sends = rows.stream().map(row -> kafka.sendMessage(Message.of(row.getString("payload"))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(row.getString("topic"))
                        .withKey(row.getString("event_key"))
                        .withHeaders(List.of(new RecordHeader(EVENT_TYPE_HEADER,
                                row.getString("event_type").getBytes(StandardCharsets.UTF_8))))
                        .build())))
                .toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }
}
