package dev.parcel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.testkit.SelfIssuedIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 3: {@code POST /v1/compute/jobs} under load, with no executor running, so only submission is measured
 * (validation, the job row and its JobSubmitted in one transaction, the outbox relay to Kafka). Open loop: each
 * target rate sends on a fixed schedule whatever the answers do, and a request's latency counts from when it was
 * due, so a slow server cannot hide its queue (no coordinated omission).
 *
 * <p>Arguments: the API URL, seconds per rate, the BENCHMARKS.md to append to, then the target rates.
 */
public final class SubmissionBench {
    /** HTTP/1.1, a connection per request in flight: what the ordinary client of this API does. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String api;
    private final SelfIssuedIdentity submitter;
    private final byte[] spec;

    private SubmissionBench(String api) throws Exception {
        this.api = api;
        this.submitter = Identities.register(http, api);
        this.spec = json.writeValueAsBytes(Map.of("name", "load", "image", "parcel-test/busybox:latest",
                "cmd", List.of("-c", "true")));
    }

    public static void main(String[] args) throws Exception {
        var bench = new SubmissionBench(args[0]);
        int seconds = Integer.parseInt(args[1]);
        var report = new Report("Submission under load, " + seconds + " s per rate",
                "bench/run submission " + seconds + " " + String.join(" ", List.of(args).subList(3, args.length)),
                "target", "achieved (201s per second, until the last answer)", "p50", "p99", "max", "refused or failed");
        bench.run(200, 5);
        for (int i = 3; i < args.length; i++) {
            int rate = Integer.parseInt(args[i]);
            var result = bench.run(rate, seconds);
            report.row(rate + "/s", String.format("%.0f/s", result.accepted() / result.seconds()),
                    Latencies.ms(result.latencies().percentileMillis(50)),
                    Latencies.ms(result.latencies().percentileMillis(99)),
                    Latencies.ms(result.latencies().percentileMillis(100)),
                    result.failed() + (result.failures().isEmpty() ? "" : " " + result.failures()));
        }
        report.note("One identity submits `sh -c true` jobs; the executor is stopped, so jobs stay Pending. The load"
                + " generator runs on the same 2 cores as Kafka, PostgreSQL and the four services. Goal: at least"
                + " 2,000/s with p99 ≤ 50 ms.");
        report.publish(Path.of(args[2]));
    }

    /** {@code seconds}: from the first request to the last answer, so a queue that drains late is counted. */
    private record Result(int accepted, int failed, Latencies latencies, Map<String, Integer> failures,
            double seconds) {
    }

    private Result run(int rate, int seconds) throws Exception {
        String token = submitter.token();
        var request = HttpRequest.newBuilder(URI.create(api + "/compute/jobs"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(spec)).build();
        var latencies = new Latencies();
        var accepted = new AtomicInteger();
        var failed = new AtomicInteger();
        var pending = new ConcurrentLinkedQueue<CompletableFuture<?>>();
        var failures = new java.util.concurrent.ConcurrentHashMap<String, Integer>();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        int total = rate * seconds;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                synchronized (latencies) {
                    latencies.record(System.nanoTime() - due);
                }
                if (error == null && response.statusCode() == 201) {
                    accepted.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    Throwable cause = error != null && error.getCause() != null ? error.getCause() : error;
                    failures.merge(error == null ? "HTTP " + response.statusCode()
                            : cause.getClass().getSimpleName(), 1, Integer::sum);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return new Result(accepted.get(), failed.get(), latencies, failures, (System.nanoTime() - start) / 1e9);
    }
}
