package dev.parcel.scheduler.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay (the outbox module's, as the scheduler runs it) sets aside what the broker can never take and
 * publishes the rows behind it: one row larger than an event may be, one the broker itself refuses as too large for
 * its topic, each between rows that go through.
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class OutboxParkingTest {
    /** A topic whose broker-side limit is far below the relay's, so the broker, not the relay, refuses. */
    private static final String SMALL_RECORDS_TOPIC = "parcel.test.small-records-" + UUID.randomUUID();
    private static final String TOPIC = "parcel.test.outbox-parking";

    @Test
    void refusedRowsAreParkedWithTheirReasonAndTheRowsBehindThemArePublished() throws Exception {
        createSmallRecordsTopic();
        String run = UUID.randomUUID().toString();
        try (Connection db = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"))) {
            long first = append(db, TOPIC, event(run, 1, ""));
            long oversized = append(db, TOPIC, event(run, 2, "x".repeat(1_200_000)));
            long refusedByBroker = append(db, SMALL_RECORDS_TOPIC, event(run, 3, "y".repeat(5_000)));
            long last = append(db, TOPIC, event(run, 4, ""));

            // Its sweep (every 2 s) takes them; rows leave the outbox in the transaction that publishes or parks them.
            awaitOutboxWithout(db, List.of(first, oversized, refusedByBroker, last));

            var published = EventBusProbe.awaitAll(TOPIC, Map.class, e -> run.equals(e.get("run")), 2,
                    Duration.ofSeconds(30));
            assertEquals(List.of(1, 4), published.stream().map(e -> e.get("n")).toList());
            Map<Long, String> parked = parked(db, List.of(first, oversized, refusedByBroker, last));
            assertEquals(List.of(oversized, refusedByBroker), parked.keySet().stream().sorted().toList());
            assertTrue(parked.get(oversized).contains("more than the 1000000 an event may have"),
                    parked.get(oversized));
            assertTrue(parked.get(refusedByBroker).contains("RecordTooLargeException"),
                    parked.get(refusedByBroker));
        }
    }

    private static void awaitOutboxWithout(Connection db, List<Long> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (var pending = db.prepareStatement("SELECT count(*) FROM outbox WHERE id = ANY (?)")) {
            pending.setArray(1, db.createArrayOf("bigint", ids.toArray()));
            while (true) {
                try (var rows = pending.executeQuery()) {
                    rows.next();
                    if (rows.getInt(1) == 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the relay left rows of " + ids + " in the outbox");
                }
                Thread.sleep(200);
            }
        }
    }

    private static String event(String run, int n, String padding) {
        return "{\"run\":\"" + run + "\",\"n\":" + n + ",\"padding\":\"" + padding + "\"}";
    }

    private static long append(Connection db, String topic, String payload) throws Exception {
        try (var insert = db.prepareStatement("""
                INSERT INTO outbox (topic, event_key, event_type, payload) VALUES (?, 'k', 'Test', ?) RETURNING id""")) {
            insert.setString(1, topic);
            insert.setString(2, payload);
            try (var rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Map<Long, String> parked(Connection db, List<Long> ids) throws Exception {
        var reasons = new HashMap<Long, String>();
        try (var query = db.prepareStatement("SELECT id, reason FROM outbox_parked WHERE id = ANY (?)")) {
            query.setArray(1, db.createArrayOf("bigint", ids.toArray()));
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    reasons.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        return reasons;
    }

    private static void createSmallRecordsTopic() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(SMALL_RECORDS_TOPIC, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1024")))).all().get();
        }
    }
}
