package dev.parcel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.testkit.SelfIssuedIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Benchmark 4: listing at a million jobs. The jobs are bulk-loaded into the job-api's read model in its exact
 * schema (jobs, job_accessed_documents, job_input_owners): one submitter has 10% of them, one owner's documents
 * were read by about 7%. Then, through the public API, p50/p99 of list-by-submitter and list-by-input-owner, on
 * the first page and on a deep one, and the query plan of the submitter listing.
 *
 * <p>Arguments: the API URL, the job-api database's JDBC URL, the number of jobs, the BENCHMARKS.md to append to.
 */
public final class ListingBench {
    private static final int WARM_UP = 200;
    private static final int RUNS = 1000;
    private static final int PAGE = 100;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String api;

    private ListingBench(String api) {
        this.api = api;
    }

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String jdbc = args[1];
        int jobs = Integer.parseInt(args[2]);
        var bench = new ListingBench(api);
        var submitter = Identities.register(bench.http, api);
        var owner = Identities.register(bench.http, api);
        try (Connection db = DriverManager.getConnection(jdbc)) {
            seed(db, jobs, submitter.principal(), owner.principal());
            var report = new Report("Listing at " + jobs + " jobs", "bench/run listing " + jobs,
                    "listing", "page", "p50", "p99", "max", "requests");
            bench.measure(report, submitter, "?submitter=" + submitter.principal(), 500);
            bench.measure(report, owner, "?input-owner=" + owner.principal(), 300);
            report.note("Each row: " + RUNS + " sequential requests of " + PAGE + " jobs through the edge, after "
                    + WARM_UP + " to warm up. The plan of the submitter listing's first page, as PostgreSQL ran it:"
                    + "\n\n```\n" + plan(db, submitter.principal()) + "```");
            report.publish(Path.of(args[3]));
        }
    }

    private void measure(Report report, SelfIssuedIdentity caller, String filter, int deepPage) throws Exception {
        String first = api + "/compute/jobs" + filter + "&page-size=" + PAGE;
        var firstPage = Latencies.of(WARM_UP, RUNS, () -> list(caller, first));
        report.row(filter.replaceAll("=.*", ""), 1, Latencies.ms(firstPage.percentileMillis(50)),
                Latencies.ms(firstPage.percentileMillis(99)), Latencies.ms(firstPage.percentileMillis(100)),
                firstPage.count());
        String token = "";
        for (int page = 1; page < deepPage; page++) {
            token = list(caller, first + (token.isEmpty() ? "" : "&page-token=" + token)).path("nextPageToken")
                    .asText();
        }
        String deep = first + "&page-token=" + token;
        var deepLatencies = Latencies.of(WARM_UP, RUNS, () -> list(caller, deep));
        report.row(filter.replaceAll("=.*", ""), deepPage, Latencies.ms(deepLatencies.percentileMillis(50)),
                Latencies.ms(deepLatencies.percentileMillis(99)), Latencies.ms(deepLatencies.percentileMillis(100)),
                deepLatencies.count());
    }

    private JsonNode list(SelfIssuedIdentity caller, String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + caller.token()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode page = json.readTree(response.body());
        if (page.path("results").size() != PAGE) {
            throw new IllegalStateException(url + " gave a short page: " + page.path("results").size());
        }
        return page;
    }

    /** Replaces the benchmark's jobs: {@code jobs} of them, newest first by number. */
    private static void seed(Connection db, int jobs, String submitter, String owner) throws SQLException {
        long started = System.nanoTime();
        try (var statement = db.createStatement()) {
            statement.execute("DELETE FROM job_input_owners WHERE job_id LIKE 'Jbench%'");
            statement.execute("DELETE FROM job_accessed_documents WHERE job_id LIKE 'Jbench%'");
            statement.execute("DELETE FROM jobs WHERE id LIKE 'Jbench%'");
        }
        try (var insert = db.prepareStatement("""
                INSERT INTO jobs (id, submitter, created_at, spec, phase, message, host, attempt, updated_at,
                                  status_seq)
                SELECT 'Jbench' || lpad(i::text, 8, '0'),
                       CASE WHEN i % 10 = 0 THEN ? ELSE 'Ibench' || (i % 1000) END,
                       now() - make_interval(secs => i / 1000.0),
                       '{"name":"bench","image":"parcel-test/busybox:latest","cmd":["-c","true"]}',
                       'Succeeded', 'command exited with exit code 0', 'bench-worker', 1, now(), 3
                FROM generate_series(1, ?) i""")) {
            insert.setString(1, submitter);
            insert.setInt(2, jobs);
            insert.executeUpdate();
        }
        try (var insert = db.prepareStatement("""
                INSERT INTO job_accessed_documents (job_id, document_id, owner, first_accessed_at)
                SELECT 'Jbench' || lpad(i::text, 8, '0'), 'Dbench' || (i % 100),
                       CASE WHEN i % 7 = 0 THEN ? ELSE 'Ibenchowner' || (i % 500) END, now()
                FROM generate_series(1, ?) i WHERE i % 2 = 0 OR i % 7 = 0""")) {
            insert.setString(1, owner);
            insert.setInt(2, jobs);
            insert.executeUpdate();
        }
        try (var statement = db.createStatement()) {
            statement.execute("""
                    INSERT INTO job_input_owners (owner, job_id, job_created_at)
                    SELECT DISTINCT a.owner, a.job_id, j.created_at
                    FROM job_accessed_documents a JOIN jobs j ON j.id = a.job_id WHERE a.job_id LIKE 'Jbench%'""");
            statement.execute("ANALYZE jobs");
            statement.execute("ANALYZE job_accessed_documents");
            statement.execute("ANALYZE job_input_owners");
        }
        System.out.printf("seeded %d jobs in %.1f s%n", jobs, (System.nanoTime() - started) / 1e9);
    }

    /** The plan of the query JobListing runs for a submitter's own first page (its shape, with the values bound). */
    private static String plan(Connection db, String submitter) throws SQLException {
        var plan = new StringBuilder();
        try (var explain = db.prepareStatement("""
                EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
                SELECT j.* FROM jobs j JOIN (
                  (SELECT s.id FROM jobs s WHERE s.submitter = ? ORDER BY s.created_at DESC, s.id DESC LIMIT 101)
                  UNION
                  (SELECT o.job_id AS id FROM job_input_owners o JOIN jobs r ON r.id = o.job_id AND r.submitter = ?
                   WHERE o.owner = ? ORDER BY o.job_created_at DESC, o.job_id DESC LIMIT 101)
                ) page ON page.id = j.id ORDER BY j.created_at DESC, j.id DESC LIMIT 101""")) {
            explain.setString(1, submitter);
            explain.setString(2, submitter);
            explain.setString(3, submitter);
            try (var rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
