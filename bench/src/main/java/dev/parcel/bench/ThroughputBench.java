package dev.parcel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Benchmark 2: many trivial jobs at once against N worker slots, next to raw Docker running the same containers
 * with N threads. The platform's executor offers N cpus and every job asks for one, so N run at a time. The jobs
 * are submitted all at once; completion is read from the job-api's database, so watching adds no API load.
 *
 * <p>Arguments: the API URL, the job-api database's JDBC URL, the number of jobs, the slots N, the BENCHMARKS.md.
 */
public final class ThroughputBench {
    private static final String SCRIPT = "true";

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String jdbc = args[1];
        int jobs = Integer.parseInt(args[2]);
        int slots = Integer.parseInt(args[3]);
        String image = TestImages.busybox();
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var submitter = Identities.register(http, api);

        double raw;
        try (DockerClient docker = OverheadBench.docker()) {
            raw = rawJobsPerSecond(docker, image, jobs, slots);
        }
        double platform = platformJobsPerSecond(http, api, jdbc, submitter, image, jobs);
        new Report("Throughput: " + jobs + " jobs on " + slots + " slots", "bench/run throughput " + jobs + " "
                + slots, "path", "jobs/s")
                .row("docker-java, " + slots + " threads: create, start, wait, remove", String.format("%.1f", raw))
                .row("platform, " + slots + " slots: submitted at once, until all Succeeded",
                        String.format("%.1f", platform))
                .row("ratio platform / raw", String.format("%.2f", platform / raw))
                .note("Each job: `sh -c true` in the busybox test image, 1 cpu and 64M requested. Goal: ≥ 0.9 × raw.")
                .publish(Path.of(args[4]));
    }

    private static double rawJobsPerSecond(DockerClient docker, String image, int jobs, int slots) throws Exception {
        var pool = Executors.newFixedThreadPool(slots);
        long started = System.nanoTime();
        var runs = new ArrayList<CompletableFuture<Void>>();
        for (int i = 0; i < jobs; i++) {
            runs.add(CompletableFuture.runAsync(() -> {
                String id = docker.createContainerCmd(image).withCmd("-c", SCRIPT)
                        .withName("bench-raw-" + UUID.randomUUID()).exec().getId();
                docker.startContainerCmd(id).exec();
                docker.waitContainerCmd(id).start().awaitStatusCode();
                docker.removeContainerCmd(id).withForce(true).exec();
            }, pool));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        return jobs / ((System.nanoTime() - started) / 1e9);
    }

    private static double platformJobsPerSecond(HttpClient http, String api, String jdbc, SelfIssuedIdentity submitter,
            String image, int jobs) throws Exception {
        var json = new ObjectMapper();
        var request = HttpRequest.newBuilder(URI.create(api + "/compute/jobs"))
                .header("Authorization", "Bearer " + submitter.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(Map.of("name", "throughput",
                        "image", image, "cmd", List.of("-c", SCRIPT), "cpus", 1, "memory", "64M"))))
                .build();
        long started = System.nanoTime();
        var submissions = new ArrayList<CompletableFuture<HttpResponse<Void>>>();
        for (int i = 0; i < jobs; i++) {
            submissions.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        for (var submission : submissions) {
            if (submission.join().statusCode() != 201) {
                throw new IllegalStateException("a submission was refused: " + submission.join().statusCode());
            }
        }
        try (var db = DriverManager.getConnection(jdbc);
                var ended = db.prepareStatement("SELECT count(*) FILTER (WHERE phase = 'Succeeded'),"
                        + " count(*) FILTER (WHERE phase = 'Failed') FROM jobs WHERE submitter = ?")) {
            ended.setString(1, submitter.principal());
            while (true) {
                try (var counts = ended.executeQuery()) {
                    counts.next();
                    if (counts.getLong(2) > 0) {
                        throw new IllegalStateException(counts.getLong(2) + " jobs failed");
                    }
                    if (counts.getLong(1) == jobs) {
                        return jobs / ((System.nanoTime() - started) / 1e9);
                    }
                }
                Thread.sleep(100);
            }
        }
    }
}
