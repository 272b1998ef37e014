package dev.parcel.bench;

import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.testkit.EventBusProbe;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmark 6: the scheduler alone. Jobs are bulk-loaded into its queue in its exact schema, then simulated workers
 * announce themselves with real heartbeats on the broker, as executors do, and the clock runs until the scheduler
 * has placed every job (and published its JobScheduled). No executor runs, so nothing starts a container.
 *
 * <p>Arguments: the scheduler database's JDBC URL, the broker, the number of jobs, the number of workers, the
 * BENCHMARKS.md.
 */
public final class SchedulingBench {
    private static final long JOB_MEMORY = 64L << 20;
    private static final long HEARTBEAT_MILLIS = 2_000;
    /** A scheduler that places nothing for this long is reported as stalled rather than waited for. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        String kafka = args[1];
        int jobs = Integer.parseInt(args[2]);
        int workers = Integer.parseInt(args[3]);
        // Room for every job, spread evenly: each worker offers one cpu per job it should end up with.
        int perWorker = (jobs + workers - 1) / workers;

        try (var db = DriverManager.getConnection(jdbc);
                var producer = new KafkaProducer<>(Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all"),
                        new StringSerializer(), new StringSerializer())) {
            queue(db, jobs);
            System.err.printf("bench: %d jobs queued; %d workers start beating%n", jobs, workers);
            var beats = Executors.newSingleThreadScheduledExecutor();
            long started = System.nanoTime();
            beats.scheduleAtFixedRate(() -> beat(producer, workers, perWorker), 0, HEARTBEAT_MILLIS,
                    TimeUnit.MILLISECONDS);
            Progress progress;
            try {
                progress = awaitPlaced(db, jobs, started);
            } finally {
                beats.shutdownNow();
            }
            double seconds = (progress.lastProgressNanos() - started) / 1e9;
            boolean complete = progress.placed() == jobs;
            Spread spread = check(db, progress.placed(), perWorker);
            new Report("Scheduling alone: " + jobs + " jobs over " + workers + " workers",
                    "bench/run scheduling " + jobs + " " + workers, "jobs", "workers", "placed",
                    complete ? "until all placed" : "until the last placement before stalling",
                    "decisions/s", "jobs per worker (min / max)")
                    .row(jobs, workers, progress.placed() + (complete ? "" : " (stalled)"),
                            String.format("%.2f s", seconds), String.format("%.0f", progress.placed() / seconds),
                            spread.min() + " / " + spread.max())
                    .note("The queue is bulk-loaded in the scheduler's schema (1 cpu, 64M each); the clock starts at"
                            + " the first heartbeat of " + workers + " simulated workers (one every "
                            + HEARTBEAT_MILLIS / 1000 + " s each, " + perWorker + " cpus each) and stops when the"
                            + " database holds every job placed and its JobScheduled has been published from the"
                            + " scheduler's outbox; a run that places nothing for " + STALL_NANOS / 1_000_000_000
                            + " s is reported as stalled. No worker was given more than it offers. Goal: ≥ 10,000/s.")
                    .publish(Path.of(args[4]));
        }
    }

    private static void queue(Connection db, int jobs) throws SQLException {
        try (var insert = db.prepareStatement("""
                INSERT INTO queued_jobs (job_id, submitter, spec, requested_cpus, requested_memory_bytes, state,
                                         attempt, submitted_at, updated_at)
                SELECT 'Jbench' || i, 'Ibench', '{"image":"bench","cmd":["true"]}', 1, ?, 'QUEUED', 0,
                       now() + i * interval '1 microsecond', now()
                FROM generate_series(1, ?) i""")) {
            insert.setLong(1, JOB_MEMORY);
            insert.setInt(2, jobs);
            insert.executeUpdate();
        }
        try (var analyze = db.createStatement()) {
            analyze.execute("ANALYZE queued_jobs");
        }
    }

    private static void beat(KafkaProducer<String, String> producer, int workers, int perWorker) {
        try {
            for (int w = 0; w < workers; w++) {
                var heartbeat = WorkerHeartbeat.of("bench-sim-" + w, perWorker, perWorker * JOB_MEMORY, 1,
                        JOB_MEMORY);
                producer.send(new ProducerRecord<>(Topics.WORKER_HEARTBEAT, heartbeat.key(),
                        EventBusProbe.JSON.writeValueAsString(heartbeat)));
            }
        } catch (Exception e) {
            System.err.println("bench: heartbeat failed: " + e);
        }
    }

    /** How many were placed, and when the last of them was seen; waits until all are or progress stops. */
    private record Progress(long placed, long lastProgressNanos) {
    }

    private static Progress awaitPlaced(Connection db, int jobs, long started) throws Exception {
        long reported = started;
        var progress = new Progress(0, started);
        // Placed means recorded and published: the clock stops once every job is recorded as placed and the
        // scheduler's outbox holds no JobScheduled any more. (One anti-join of the two per poll slowed the database.)
        try (var placed = db.prepareStatement(
                "SELECT count(*) FROM queued_jobs WHERE state = 'SCHEDULED' AND job_id LIKE 'Jbench%'");
                var unpublished = db.prepareStatement("SELECT EXISTS (SELECT 1 FROM outbox)")) {
            while (progress.placed() < jobs) {
                long count;
                try (var rows = placed.executeQuery()) {
                    rows.next();
                    count = rows.getLong(1);
                }
                if (count == jobs && !empty(unpublished)) {
                    count = jobs - 1; // the last JobScheduled is not out yet
                }
                long now = System.nanoTime();
                if (count > progress.placed()) {
                    progress = new Progress(count, now);
                } else if (now - progress.lastProgressNanos() > STALL_NANOS) {
                    System.err.printf("bench: stalled at %d of %d placed%n", count, jobs);
                    return progress;
                }
                if (now - reported > TimeUnit.SECONDS.toNanos(5)) {
                    System.err.printf("bench: %d of %d placed%n", count, jobs);
                    reported = now;
                }
                Thread.sleep(50);
            }
        }
        return progress;
    }

    private static boolean empty(java.sql.PreparedStatement outboxHasRows) throws SQLException {
        try (var rows = outboxHasRows.executeQuery()) {
            rows.next();
            return !rows.getBoolean(1);
        }
    }

    private record Spread(long min, long max) {
    }

    /** Every job placed once, and no worker holding more than it offers; the item is how evenly they spread. */
    private static Spread check(Connection db, long placed, int perWorker) throws SQLException {
        List<Long> counts = new ArrayList<>();
        try (var perWorkerCounts = db.createStatement().executeQuery("""
                SELECT count(*), sum(granted_cpus), max(attempt) FROM queued_jobs
                WHERE job_id LIKE 'Jbench%' AND state = 'SCHEDULED' GROUP BY worker_id""")) {
            while (perWorkerCounts.next()) {
                if (perWorkerCounts.getDouble(2) > perWorker + 1e-6 || perWorkerCounts.getInt(3) != 1) {
                    throw new IllegalStateException("a worker was given more than it offers, or a job placed twice");
                }
                counts.add(perWorkerCounts.getLong(1));
            }
        }
        if (counts.stream().mapToLong(Long::longValue).sum() != placed) {
            throw new IllegalStateException("the placements changed after the count");
        }
        return new Spread(counts.stream().mapToLong(Long::longValue).min().orElse(0),
                counts.stream().mapToLong(Long::longValue).max().orElse(0));
    }
}
