package dev.parcel.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.testkit.SharedInfrastructure;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's claim, run as the relay runs it (planned for its argument) on a real PostgreSQL, in a schema of its
 * own beside the scheduler's tables, so that no running relay takes the rows first.
 */
class OutboxClaimTest {
    private static final String SCHEMA = "outbox_claim_test";

    private Connection db;

    @BeforeEach
    void outboxOfItsOwn() throws Exception {
        db = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("scheduler"));
        try (Statement sql = db.createStatement()) {
            sql.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            sql.execute("CREATE SCHEMA " + SCHEMA);
            sql.execute("SET search_path = " + SCHEMA);
            sql.execute(migration());
            // The statistics are the test's VACUUM's alone; autovacuum would replace them at a moment of its own.
            sql.execute("ALTER TABLE outbox SET (autovacuum_enabled = false)");
        }
    }

    @AfterEach
    void dropIt() throws Exception {
        try (Statement sql = db.createStatement()) {
            sql.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
        db.close();
    }

    /**
     * A drained outbox, as the relay keeps it, was vacuumed with one row left, so the planner estimated one row
     * where thousands came in after: the claim of the stalled `bench/run scheduling` then took every row, in minutes.
     */
    @Test
    void takesOneBatchOfTheOldestRowsWhenTheStatisticsSayTheOutboxIsNearlyEmpty() throws Exception {
        try (Statement sql = db.createStatement()) {
            append(sql, 10_000);
            sql.execute("DELETE FROM outbox WHERE id < (SELECT max(id) FROM outbox)");
            sql.execute("VACUUM outbox");
            long first = append(sql, 5_000);

            db.setAutoCommit(false);
            sql.execute("PREPARE claim (int) AS " + OutboxRelay.CLAIM);
            long started = System.nanoTime();
            var claimed = new ArrayList<Long>();
            try (var rows = sql.executeQuery("EXECUTE claim (1000)")) {
                while (rows.next()) {
                    claimed.add(rows.getLong("id"));
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            db.rollback();

            assertEquals(1000, claimed.size(), "claimed " + claimed.size() + " rows in " + millis + " ms");
            claimed.sort(null);
            // The row left in the drained outbox, then the oldest of the new ones.
            assertEquals(first - 1, claimed.get(0));
            assertEquals(first + 998, claimed.get(999));
        }
    }

    /** Appends rows in one statement; the item is the id of the first. */
    private static long append(Statement sql, int count) throws Exception {
        try (var rows = sql.executeQuery("""
                INSERT INTO outbox (topic, event_key, event_type, payload)
                SELECT 'parcel.test.claim', 'J' || i, 'JobScheduled', repeat('x', 300)
                FROM generate_series(1, %d) i RETURNING id""".formatted(count))) {
            long first = Long.MAX_VALUE;
            while (rows.next()) {
                first = Math.min(first, rows.getLong(1));
            }
            return first;
        }
    }

    private static String migration() throws Exception {
        try (InputStream in = OutboxClaimTest.class.getResourceAsStream("/db/outbox/R__outbox.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
