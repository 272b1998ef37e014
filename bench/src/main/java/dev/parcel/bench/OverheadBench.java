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
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark 1: what one trivial job costs through the whole platform (REST, Kafka, scheduler, executor, staging of
 * a 1 KiB input, upload of a small output, read model), observed until Succeeded on the job's events stream, next
 * to the same container created, started, waited for and removed directly with docker-java. Runs alternate, so
 * both see the same machine.
 *
 * <p>Arguments: the API URL, the number of runs of each, the BENCHMARKS.md to append to.
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

    public static void main(String[] args) throws Exception {
        String api = args[0];
        int runs = Integer.parseInt(args[1]);
        String image = TestImages.busybox();
        var bench = new OverheadBench(api);
        try (DockerClient docker = docker()) {
            for (int i = 0; i < 10; i++) {
                bench.raw(docker, image);
                bench.throughThePlatform(image);
            }
            var raw = new Latencies();
            var platform = new Latencies();
            for (int i = 0; i < runs; i++) {
                raw.record(bench.raw(docker, image));
                platform.record(bench.throughThePlatform(image));
            }
            var report = new Report("Per-job overhead, " + runs + " runs each", "bench/run overhead " + runs,
                    "path", "p50", "p90", "p99");
            report.row("docker-java: create, start, wait, remove", Latencies.ms(raw.percentileMillis(50)),
                    Latencies.ms(raw.percentileMillis(90)), Latencies.ms(raw.percentileMillis(99)));
            report.row("platform: submit → Succeeded (events stream)", Latencies.ms(platform.percentileMillis(50)),
                    Latencies.ms(platform.percentileMillis(90)), Latencies.ms(platform.percentileMillis(99)));
            report.row("ratio platform / raw", String.format("%.2f", platform.percentileMillis(50)
                    / raw.percentileMillis(50)), String.format("%.2f", platform.percentileMillis(90)
                    / raw.percentileMillis(90)), String.format("%.2f", platform.percentileMillis(99)
                    / raw.percentileMillis(99)));
            report.note("The job: `sh -c '" + SCRIPT + "'` with one 1 KiB input document and that one output; the raw"
                    + " container runs the same command in the same image, without documents. Goal: platform p50"
                    + " ≤ 1.15 × raw.");
            report.publish(Path.of(args[2]));
        }
    }

    /** The same container, directly: the baseline. */
    private long raw(DockerClient docker, String image) {
        long started = System.nanoTime();
        String id = docker.createContainerCmd(image).withCmd("-c", SCRIPT.replace("/parcel/data/out", "/tmp"))
                .withName("bench-raw-" + UUID.randomUUID()).exec().getId();
        docker.startContainerCmd(id).exec();
        docker.waitContainerCmd(id).start().awaitStatusCode();
        docker.removeContainerCmd(id).withForce(true).exec();
        return System.nanoTime() - started;
    }

    /** Submits the job and reads its events stream until it ends; fails unless it Succeeded. */
    private long throughThePlatform(String image) throws Exception {
        long started = System.nanoTime();
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
                    return System.nanoTime() - started;
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
