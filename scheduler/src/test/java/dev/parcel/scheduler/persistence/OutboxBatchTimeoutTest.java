package dev.parcel.scheduler.persistence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay (the outbox module's, as the scheduler runs it) gives up a batch that has not finished within
 * {@code parcel.outbox.batch-timeout}, here 2 s, and rolls it back; its sweep (every 2 s) goes on. Neither a claim
 * the database holds up nor sends the broker never acknowledges keep the rows, and every later sweep, any longer.
 * The relay's channel goes to a broker that never answers (the other channels to the shared one).
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
@TestProfile(OutboxBatchTimeoutTest.ShortBatchTimeout.class)
class OutboxBatchTimeoutTest {
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(2);
    /** What the test grants beyond the timeout: the rollback, the next tick of the sweep. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    public static class ShortBatchTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parcel.outbox.batch-timeout", BATCH_TIMEOUT.toSeconds() + "s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SilentBroker.class));
        }
    }

    /**
     * Where the relay's channel, and it alone, sends: a listener that takes connections and never answers, so the
     * producer never learns a topic's partitions. It blocks on them for 5 s a send, not 60, to stop in time.
     */
    public static class SilentBroker implements QuarkusTestResourceLifecycleManager {
        private final List<Socket> connections = new CopyOnWriteArrayList<>();
        private ServerSocket listener;

        @Override
        public Map<String, String> start() {
            try {
                listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        connections.add(listener.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-broker");
            acceptor.setDaemon(true);
            acceptor.start();
            return Map.of("mp.messaging.outgoing.outbox.bootstrap.servers", "127.0.0.1:" + listener.getLocalPort(),
                    "mp.messaging.outgoing.outbox.max.block.ms", "5000");
        }

        @Override
        public void stop() {
            try {
                listener.close();
                for (Socket connection : connections) {
                    connection.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The claim of the stalled benchmark ran for minutes; here the claims wait for a lock the test holds. */
    @Test
    void aClaimTheDatabaseHoldsUpIsGivenUpAndTriedAgain() throws Exception {
        try (Connection locker = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"));
                Connection watcher = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"))) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE");
            Set<Timestamp> claims = new HashSet<>();
            double longestSeconds = 0;
            try (var waiting = watcher.prepareStatement("""
                    SELECT query_start, extract(epoch FROM clock_timestamp() - query_start) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock'
                      AND query LIKE 'DELETE FROM outbox%'""")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                while (System.nanoTime() < deadline) {
                    try (var rows = waiting.executeQuery()) {
                        while (rows.next()) {
                            claims.add(rows.getTimestamp(1));
                            longestSeconds = Math.max(longestSeconds, rows.getDouble(2));
                        }
                    }
                    Thread.sleep(100);
                }
            } finally {
                locker.rollback();
            }
            assertTrue(claims.size() >= 2, "claims seen waiting for the lock, by start: " + claims);
            assertTrue(longestSeconds < BATCH_TIMEOUT.plus(SLACK).toSeconds(),
                    "a claim waited " + longestSeconds + " s for the lock");
        }
    }

    /** As a producer waits for a topic's metadata; sent as the relay sends, the row's event would wait minutes. */
    @Test
    void aBatchTheBrokerDoesNotAcknowledgeIsRolledBack() throws Exception {
        try (Connection db = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"))) {
            long id = append(db, "parcel.test.unacknowledged");
            awaitLocked(db, id);
            long claimed = System.nanoTime();
            // Taken by the test at the first moment the relay lets go of it, between a rollback and the next sweep.
            while (!takeIfFree(db, id)) {
                assertTrue(System.nanoTime() - claimed < BATCH_TIMEOUT.plus(SLACK).multipliedBy(3).toNanos(),
                        "the relay held outbox row " + id + " for longer than its batch timeout");
                Thread.sleep(50);
            }
        }
    }

    private static long append(Connection db, String topic) throws Exception {
        try (var insert = db.prepareStatement("""
                INSERT INTO outbox (topic, event_key, event_type, payload)
                VALUES (?, 'k', 'Test', '{}') RETURNING id""")) {
            insert.setString(1, topic);
            try (var rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Until a relay's batch holds the row (its sweep comes every 2 s). */
    private static void awaitLocked(Connection db, long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (var locked = db.prepareStatement("""
                SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE id = ? FOR UPDATE SKIP LOCKED)""")) {
            locked.setLong(1, id);
            while (true) {
                try (var rows = locked.executeQuery()) {
                    rows.next();
                    if (rows.getBoolean(1)) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "no relay batch took outbox row " + id);
                Thread.sleep(20);
            }
        }
    }

    private static boolean takeIfFree(Connection db, long id) throws Exception {
        try (var take = db.prepareStatement("""
                DELETE FROM outbox WHERE id = (SELECT id FROM outbox WHERE id = ? FOR UPDATE SKIP LOCKED)""")) {
            take.setLong(1, id);
            return take.executeUpdate() == 1;
        }
    }
}
