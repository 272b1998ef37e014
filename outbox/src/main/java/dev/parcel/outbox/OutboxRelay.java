package dev.parcel.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to Kafka. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} and deleted in the same
 * transaction that waits for the broker's acknowledgement: a crash or a broker outage leaves them for the next try,
 * and replicas never publish the same row at once. A commit that fails after the broker acknowledged would publish
 * a row twice, which consumers absorb by event id.
 *
 * <p>A row the broker can never take (larger than it accepts, or refused as unserializable) is moved to
 * {@code outbox_parked} with the reason, in the same transaction, so it neither blocks the rows behind it nor is
 * sent again; a passing failure (the broker away) rolls the batch back for the next sweep.
 *
 * <p>A batch that has not finished within {@code parcel.outbox.batch-timeout} is rolled back too, whatever it
 * waits for: every later sweep would otherwise be skipped behind it, and the outbox would stop draining.
 *
 * <p>Each record is published in the trace its row was written in: the connector's producer span is made a child of
 * the row's {@code traceparent} and puts its own in the record's headers. Left to itself the connector would take
 * whatever context is current, which is the relay's, or that of the request that happened to call
 * {@link #publishSoon()}.
 */
@ApplicationScoped
public class OutboxRelay {
    static final String EVENT_TYPE_HEADER = "parcel-event-type";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /**
     * The ids are picked once, into an array. Written as {@code id IN (SELECT ...)}, the claim let the planner
     * re-run the locking subquery for every row of the outbox whenever the table's statistics had been taken while
     * it was nearly empty, as a drained queue mostly is: such a claim took every row instead of a batch, in time
     * quadratic in their number (minutes for a few thousand rows, which stalled {@code bench/run scheduling}). An
     * uncorrelated {@code ARRAY(...)} runs once, whatever the estimates.
     */
    static final String CLAIM = """
            DELETE FROM outbox WHERE id = ANY (ARRAY(
                SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
            RETURNING id, topic, event_key, event_type, payload, created_at, traceparent""";
    private static final String PARK = """
            INSERT INTO outbox_parked (id, topic, event_key, event_type, payload, created_at, reason, traceparent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

    private final Pool database;
    private final MutinyEmitter<String> kafka;
    private final int batchSize;
    private final int maxEventBytes;
    private final Duration batchTimeout;
    private final Counter parked;
    private final AtomicBoolean failing = new AtomicBoolean();
    /** 0: idle; 1: a pass runs; more: commits were announced during it. */
    private final AtomicInteger publishing = new AtomicInteger();
    /** Events handed to the emitter that the broker has neither acknowledged nor refused yet. */
    private final AtomicInteger unsettled = new AtomicInteger();

    /**
     * A batch is sent all at once, more than the emitter's default buffer and the connector's in-flight window hold
     * together (batches of 2,000 failed every time, and the outbox never drained). The buffer need not be bounded:
     * a batch given up on leaves its events in it until the broker answers them, and no batch is claimed while two
     * batches' worth wait (see {@link #publishBatch()}).
     */
    OutboxRelay(Pool database,
            @Channel("outbox") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> kafka,
            @ConfigProperty(name = "parcel.outbox.batch-size", defaultValue = "1000") int batchSize,
            @ConfigProperty(name = "parcel.outbox.max-event-bytes", defaultValue = "1000000") int maxEventBytes,
            @ConfigProperty(name = "parcel.outbox.batch-timeout", defaultValue = "30s") Duration batchTimeout,
            MeterRegistry metrics) {
        if (batchTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("parcel.outbox.batch-timeout must be at least 1 ms: " + batchTimeout);
        }
        this.database = database;
        this.kafka = kafka;
        this.batchSize = batchSize;
        this.maxEventBytes = maxEventBytes;
        this.batchTimeout = batchTimeout;
        this.parked = metrics.counter("parcel.outbox.parked");
    }

    /** A claimed row and, once the broker refused it for good, why. */
    private record Claimed(Row row, Optional<String> refusal) {
        Claimed refused(String reason) {
            return new Claimed(row, Optional.of(reason));
        }
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
            failed(failure);
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
        return publishPending().replaceWithVoid().onFailure().invoke(this::failed).onFailure().recoverWithNull();
    }

    /** Once per outage, not once per sweep: the rows wait in the outbox, and the sweep tries again. */
    private void failed(Throwable failure) {
        if (!failing.getAndSet(true)) {
            LOG.warnf("outbox not published, retried every sweep until it works: %s", failure.getMessage());
        } else {
            LOG.debugf("outbox still not published: %s", failure.getMessage());
        }
    }

    /** Publishes batches until the outbox is empty; the item is how many rows were taken out of it. */
    private Uni<Integer> publishPending() {
        return publishBatch().chain(count -> count < batchSize
                ? Uni.createFrom().item(count)
                : publishPending().map(more -> count + more))
                .invoke(() -> {
                    if (failing.getAndSet(false)) {
                        LOG.info("outbox published again");
                    }
                });
    }

    /**
     * One transaction. Its deadline fails it while it waits for the broker (acknowledgements that never come); the
     * statement timeout ends a statement the database does not finish, without which the rollback, queued behind
     * that statement on the connection, would wait as long.
     */
    private Uni<Integer> publishBatch() {
        int waiting = unsettled.get();
        // One batch may be in flight beside this one (a sweep beside a pass); anything more was sent by batches
        // given up on, and sending again while the broker has not answered them would only pile up more.
        if (waiting >= 2 * batchSize) {
            return Uni.createFrom().failure(new IllegalStateException(waiting + " events sent earlier still wait"
                    + " for the broker's answer; nothing more is sent until it answers"));
        }
        return database.withTransaction(connection -> connection
                .query("SET LOCAL statement_timeout = " + batchTimeout.toMillis()).execute()
                .chain(() -> connection.preparedQuery(CLAIM).execute(Tuple.of(batchSize)))
                .chain(rows -> {
                    var claimed = new ArrayList<Row>();
                    rows.forEach(claimed::add);
                    // Per-key order is the order of the sends; RETURNING gives no order.
                    claimed.sort(Comparator.comparingLong(row -> row.getLong("id")));
                    return send(claimed).chain(outcomes -> park(connection, outcomes)).replaceWith(claimed.size());
                })
                .ifNoItem().after(batchTimeout).failWith(() -> new TimeoutException("a batch did not finish within "
                        + batchTimeout.toMillis() + " ms (parcel.outbox.batch-timeout); rolled back, its rows stay")));
    }

    /** Fails, so the batch is rolled back, on the first failure that may pass; the item says what was refused. */
    private Uni<List<Claimed>> send(List<Row> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(rows.stream().map(this::send).toList()).andFailFast();
    }

    private Uni<Claimed> send(Row row) {
        var claimed = new Claimed(row, Optional.empty());
        String payload = row.getString("payload");
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxEventBytes) {
            return Uni.createFrom().item(claimed.refused("the event has " + bytes + " bytes, more than the "
                    + maxEventBytes + " an event may have (parcel.outbox.max-event-bytes)"));
        }
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.getString("topic"))
                .withKey(row.getString("event_key"))
                .withHeaders(List.of(new RecordHeader(EVENT_TYPE_HEADER,
                        row.getString("event_type").getBytes(StandardCharsets.UTF_8))))
                .build();
        Message<String> message = Message.of(payload).addMetadata(metadata)
                .addMetadata(TracingMetadata.withCurrent(TraceParent.parent(row.getString("traceparent"))))
                .withAck(this::settled).withNack(failure -> settled());
        // Counted once handed over: a batch that gave up before subscribing to a send never sent it.
        return Uni.createFrom().deferred(() -> {
            unsettled.incrementAndGet();
            return kafka.sendMessage(message);
        })
                .replaceWith(claimed)
                .onFailure(OutboxRelay::refusedForGood)
                .recoverWithItem(failure -> claimed.refused("the broker refused it: " + failure));
    }

    /** The broker acknowledged or refused an event, whether or not its batch still waits for the answer. */
    private CompletableFuture<Void> settled() {
        unsettled.decrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    /** What the broker will refuse however often it is sent; anything else may pass and is tried again. */
    static boolean refusedForGood(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                    || cause instanceof SerializationException || cause instanceof InvalidTopicException) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> park(SqlConnection connection, List<Claimed> outcomes) {
        var refused = outcomes.stream().filter(outcome -> outcome.refusal().isPresent()).toList();
        if (refused.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var parameters = refused.stream().map(outcome -> {
            Row row = outcome.row();
            // Not List.of: a row written outside any trace has no traceparent.
            return Tuple.tuple(Arrays.<Object>asList(row.getLong("id"), row.getString("topic"),
                    row.getString("event_key"), row.getString("event_type"), row.getString("payload"),
                    row.getOffsetDateTime("created_at"), outcome.refusal().get(), row.getString("traceparent")));
        }).toList();
        return connection.preparedQuery(PARK).executeBatch(parameters).invoke(() -> refused.forEach(outcome -> {
            Row row = outcome.row();
            LOG.warnf("outbox row %d (%s for %s on %s) parked in outbox_parked: %s", row.getLong("id"),
                    row.getString("event_type"), row.getString("event_key"), row.getString("topic"),
                    outcome.refusal().get());
            parked.increment();
        })).replaceWithVoid();
    }
}
