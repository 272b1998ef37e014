package dev.parcel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark 1: what one trivial job costs through the whole platform (REST, Kafka, scheduler, executor, staging of
 * a 1 KiB input, upload of a small output, read model), observed until Succeeded on the job's events stream, next
 * to the same container created, started, waited for and removed directly with docker-java. Runs alternate, so
 * both see the same machine. Each step of both is timed too ({@link JobTimeline}), so the table says where the
 * difference goes.
 *
 * <p>Arguments: the API URL, the number of runs of each, the BENCHMARKS.md to append to, the broker's address.
 */
public final class OverheadBench {
    private static final String SCRIPT = "echo done > /parcel/data/out/result.txt";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String api;
    private final SelfIssuedIdentity submitter;
    private final String input;

    private OverheadBench(String api) throws Exception {
        this.api = api;
        this.submitter = Identities.register(http, api);
        awaitKnownToTheDocumentStore();
        this.input = upload(new byte[1024]);
    }

    /** The steps of a job through the platform, each from the one before it, in order. */
    private static final List<String> PLATFORM_STEPS = List.of("submitted", "placed", "container create",
            "container start", "container die", "reported", "visible");
    private static final Map<String, String> STEP_NAMES = Map.of(
            "placed", "submit → placed (JobScheduled)",
            "container create", "placed → job container created (volumes, container)",
            "container start", "created → started (inputs staged, Running reported)",
            "container die", "started → exited (the command itself)",
            "reported", "exited → reported (logs, outputs uploaded, JobCompleted acknowledged)",
            "visible", "reported → Succeeded on the events stream");
    /** docker-java's steps, each from the one before it, in order. */
    private static final List<String> RAW_STEPS = List.of("started", "create", "start", "wait", "remove");

    public static void main(String[] args) throws Exception {
        String api = args[0];
        int runs = Integer.parseInt(args[1]);
        String image = TestImages.busybox();
        var bench = new OverheadBench(api);
        try (DockerClient docker = docker(); var timeline = new JobTimeline(args[3], docker)) {
            for (int i = 0; i < 10; i++) {
                bench.raw(docker, image);
                bench.throughThePlatform(image);
            }
            var raw = new Latencies();
            var platform = new Latencies();
            var rawSteps = latenciesOfEachStep(RAW_STEPS);
            var platformSteps = latenciesOfEachStep(PLATFORM_STEPS);
            int untimed = 0;
            for (int i = 0; i < runs; i++) {
                var rawRun = bench.raw(docker, image);
                raw.record(Duration.between(rawRun.get("started"), rawRun.get("remove")).toNanos());
                record(rawSteps, rawRun, RAW_STEPS);
                var platformRun = bench.throughThePlatform(image);
                platform.record(Duration.between(platformRun.submitted(), platformRun.visible()).toNanos());
                var steps = timeline.of(platformRun.jobId());
                if (steps.isPresent()) {
                    steps.get().putAll(platformRun.instants());
                    record(platformSteps, steps.get(), PLATFORM_STEPS);
                } else {
                    untimed++;
                }
            }
            var report = new Report("Per-job overhead, " + runs + " runs each", "bench/run overhead " + runs,
                    "path", "p50", "p90", "p99");
            percentilesRow(report, "docker-java: create, start, wait, remove", raw);
            percentilesRow(report, "platform: submit → Succeeded (events stream)", platform);
            report.row("ratio platform / raw", String.format("%.2f", platform.percentileMillis(50)
                    / raw.percentileMillis(50)), String.format("%.2f", platform.percentileMillis(90)
                    / raw.percentileMillis(90)), String.format("%.2f", platform.percentileMillis(99)
                    / raw.percentileMillis(99)));
            report.row("**platform, step by step**", "", "", "");
            platformSteps.forEach((step, latencies) -> percentilesRow(report, STEP_NAMES.get(step), latencies));
            report.row("**docker-java, step by step**", "", "", "");
            rawSteps.forEach((step, latencies) -> percentilesRow(report, step, latencies));
            report.note("The job: `sh -c '" + SCRIPT + "'` with one 1 KiB input document and that one output; the raw"
                    + " container runs the same command in the same image, without documents. Goal: platform p50"
                    + " ≤ 1.15 × raw. Steps: placed and reported are the events' `occurredAt`, the container's"
                    + " create, start and die the engine's events, the rest the client's clock; a step's percentiles"
                    + " are its own, so they do not add up to the total's. The platform removes the job's container"
                    + " and volumes after it reported the outcome, off this path." + (untimed == 0 ? ""
                    : " " + untimed + " runs had a step missing and are only in the totals."));
            report.publish(Path.of(args[2]));
        }
    }

    /** A histogram for each step after the first, in their order. */
    private static Map<String, Latencies> latenciesOfEachStep(List<String> order) {
        var latencies = new LinkedHashMap<String, Latencies>();
        order.stream().skip(1).forEach(step -> latencies.put(step, new Latencies()));
        return latencies;
    }

    private static void record(Map<String, Latencies> latencies, Map<String, Instant> steps, List<String> order) {
        for (int i = 1; i < order.size(); i++) {
            latencies.get(order.get(i)).record(Duration.between(steps.get(order.get(i - 1)), steps.get(order.get(i)))
                    .toNanos());
        }
    }

    private static void percentilesRow(Report report, String what, Latencies latencies) {
        report.row(what, Latencies.ms(latencies.percentileMillis(50)), Latencies.ms(latencies.percentileMillis(90)),
                Latencies.ms(latencies.percentileMillis(99)));
    }

    /** The same container, directly: the baseline. Returns when each step ended. */
    private Map<String, Instant> raw(DockerClient docker, String image) {
        var steps = new HashMap<String, Instant>();
        steps.put("started", Instant.now());
        String id = docker.createContainerCmd(image).withCmd("-c", SCRIPT.replace("/parcel/data/out", "/tmp"))
                .withName("bench-raw-" + UUID.randomUUID()).exec().getId();
        steps.put("create", Instant.now());
        docker.startContainerCmd(id).exec();
        steps.put("start", Instant.now());
        docker.waitContainerCmd(id).start().awaitStatusCode();
        steps.put("wait", Instant.now());
        docker.removeContainerCmd(id).withForce(true).exec();
        steps.put("remove", Instant.now());
        return steps;
    }

    /** A job's id, and when it was submitted and seen Succeeded. */
    private record PlatformRun(String jobId, Instant submitted, Instant visible) {
        Map<String, Instant> instants() {
            return Map.of("submitted", submitted, "visible", visible);
        }
    }

    /** Submits the job and reads its events stream until it ends; fails unless it Succeeded. */
    private PlatformRun throughThePlatform(String image) throws Exception {
        Instant started = Instant.now();
        var response = http.send(post("/compute/jobs", Map.of("name", "overhead", "image", image,
                "cmd", List.of("-c", SCRIPT),
                "inputDocuments", List.of(Map.of("id", input, "mountPath", "input.bin")),
                "outputDocuments", List.of(Map.of("mountPath", "result.txt")))), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("submission answered " + response.statusCode() + ": " + response.body());
        }
        String jobId = json.readTree(response.body()).path("id").asText();
        var events = http.send(HttpRequest.newBuilder(URI.create(api + "/compute/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + submitter.token()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.contains("\"phase\":\"Succeeded\"")) {
                    return new PlatformRun(jobId, started, Instant.now());
                }
                if (line.contains("\"phase\":\"Failed\"")) {
                    throw new IllegalStateException("job " + jobId + " failed: " + line);
                }
            }
        }
        throw new IllegalStateException("the events stream of job " + jobId + " ended before the job did");
    }

    private HttpRequest post(String path, Object body) throws Exception {
        return HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + submitter.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
    }

    private void awaitKnownToTheDocumentStore() throws Exception {
        for (int i = 0; i < 300; i++) {
            var response = http.send(HttpRequest.newBuilder(URI.create(api + "/documents/Dnothing"))
                    .header("Authorization", "Bearer " + submitter.token()).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 404) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the document-store never learned the benchmark's identity");
    }

    private String upload(byte[] content) throws Exception {
        String boundary = "bench-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n{}\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"data\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var response = http.send(HttpRequest.newBuilder(URI.create(api + "/storage"))
                .header("Authorization", "Bearer " + submitter.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body()).path("id").asText();
    }

    static DockerClient docker() {
        String host = "unix:///var/run/docker.sock";
        var transport = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .connectionTimeout(Duration.ofSeconds(10)).build();
        String version;
        try (var probe = DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).build(), transport)) {
            version = probe.versionCmd().exec().getApiVersion();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).withApiVersion(version).build(),
                new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host)).build());
    }
}
