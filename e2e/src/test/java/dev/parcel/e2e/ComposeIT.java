package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.testkit.HostCommands;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The platform as a newcomer deploys it: {@code bin/parcel images}, then {@code docker-compose up -d --scale
 * executor=2} from the checkout's docker-compose.yml, under a project name of its own and with the API on a port of
 * its own, beside the platform the other classes use. The published client's flow runs against it unchanged, jobs
 * run on both workers, and {@code docker-compose down -v} leaves no container, network or volume behind. Runs last:
 * it builds images and starts a second platform.
 */
@Order(Integer.MAX_VALUE)
class ComposeIT {
    private static final String PROJECT = "parcel-compose-it";
    private static final int API_PORT = 28180;
    private static final String API_URL = "http://127.0.0.1:" + API_PORT + "/v1";
    private static final Path LOGS = LocalPlatform.root().resolve("e2e/target/compose");

    @Test
    void theComposedPlatformRunsThePublishedClientOnBothWorkersAndLeavesNothingBehind() throws Exception {
        assertEquals(0, run("images.out", List.of(LocalPlatform.root().resolve("bin/parcel").toString(), "images")),
                "bin/parcel images failed; see " + LOGS.resolve("images.out"));
        var volumes = new ArrayList<String>();
        var workers = new ArrayList<String>();
        try {
            long started = System.nanoTime();
            assertEquals(0, compose("up", "-d", "--scale", "executor=2"), "docker-compose up failed; see "
                    + LOGS.resolve("compose.out"));
            long upReturned = System.nanoTime();
            volumes.addAll(volumesOfTheProject());
            workers.addAll(executors());
            RequestSpecification api = new RequestSpecBuilder().setBaseUri(API_URL).setPort(API_PORT).build();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> given(api).get("/compute/jobs").statusCode() == 401);
            System.out.printf("ComposeIT: docker-compose up -d returned after %.1f s, the API answered after %.1f s%n",
                    (upReturned - started) / 1e9, (System.nanoTime() - started) / 1e9);

            ParcelClientCompatibilityIT.assertPublishedClientWorks(API_URL, "node-test-compose.out");

            assertEquals(2, workers.size(), "two executors run: " + workers);
            var alice = register(api);
            assertEquals(Set.copyOf(workers), hostsOfFourOneCpuJobs(api, alice), "the jobs ran on both workers");
            assertRefusedForItsNetwork(api, alice);
        } finally {
            compose("logs", "--no-color", "--timestamps");
            assertEquals(0, compose("down", "-v", "--timeout", "30"), "docker-compose down -v failed");
        }
        assertEquals(List.of(), HostCommands.docker("ps", "-a", "-q", "--filter", "label=com.docker.compose.project="
                + PROJECT), "containers left after down -v");
        assertEquals(List.of(), HostCommands.docker("network", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + PROJECT), "networks left after down -v");
        assertEquals(List.of(), HostCommands.docker("volume", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + PROJECT), "volumes left after down -v");
        var allVolumes = HostCommands.docker("volume", "ls", "-q");
        assertEquals(List.of(), volumes.stream().filter(allVolumes::contains).toList(),
                "the services' volumes (anonymous ones included) left after down -v");
        for (String worker : workers) {
            assertEquals(List.of(), HostCommands.docker("ps", "-a", "-q", "--filter", "label=dev.parcel.worker-id="
                    + worker), "job containers of " + worker + " left");
            assertEquals(List.of(), HostCommands.docker("volume", "ls", "-q", "--filter",
                    "label=dev.parcel.worker-id=" + worker), "job volumes of " + worker + " left");
        }
    }

    /** The executors' worker ids: their containers' hostnames, the first 12 characters of their ids. */
    private static List<String> executors() {
        return HostCommands.docker("ps", "-q", "--filter", "label=com.docker.compose.project=" + PROJECT,
                "--filter", "label=com.docker.compose.service=executor").stream()
                .map(id -> id.substring(0, 12)).toList();
    }

    /** Every volume mounted into the project's containers, named or anonymous. */
    private static List<String> volumesOfTheProject() {
        var containers = HostCommands.docker("ps", "-a", "-q", "--filter", "label=com.docker.compose.project="
                + PROJECT);
        var command = new ArrayList<>(List.of("inspect", "-f", "{{range .Mounts}}{{.Name}} {{end}}"));
        command.addAll(containers);
        return HostCommands.docker(command.toArray(String[]::new)).stream()
                .flatMap(line -> java.util.Arrays.stream(line.trim().split(" "))).filter(name -> !name.isEmpty())
                .toList();
    }

    private static SelfIssuedIdentity register(RequestSpecification api) {
        var identity = new SelfIssuedIdentity();
        String id = given(api).contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk()))))
                .post("/identities").then().statusCode(201).extract().path("id");
        return identity.as(id);
    }

    /**
     * A containerized executor cannot install the host's firewall rules, so a job that asks for a network must not
     * start there with less isolation than it asked for: it ends Failed, NotStarted, saying why.
     */
    private static void assertRefusedForItsNetwork(RequestSpecification api, SelfIssuedIdentity alice) {
        String job = given(api).auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "networked", "image", TestImages.busybox(), "cmd", List.of("-c", "true"),
                        "networkPolicy", Map.of("egress", List.of(Map.of("cidr", "198.18.255.254/32")))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> "Failed".equals(
                given(api).auth().oauth2(alice.token()).get("/compute/jobs/" + job).then().extract()
                        .<String>path("status.phase")));
        var status = given(api).auth().oauth2(alice.token()).get("/compute/jobs/" + job).then().extract().jsonPath();
        assertEquals("NotStarted", status.getString("status.reason"), status.getString("status.message"));
        System.out.println("ComposeIT: a job asking for a network: " + status.getString("status.message"));
    }

    /** Four jobs of one cpu each: one worker's two cpus hold two of them, so both workers get jobs. */
    private static Set<String> hostsOfFourOneCpuJobs(RequestSpecification api, SelfIssuedIdentity alice) {
        List<String> jobs = IntStream.range(0, 4).mapToObj(i -> given(api).auth().oauth2(alice.token())
                .contentType(ContentType.JSON).body(Map.of("name", "compose", "image", TestImages.busybox(),
                        "cmd", List.of("-c", "sleep 3"), "cpus", 1))
                .post("/compute/jobs").then().statusCode(201).extract().<String>path("id")).toList();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.stream()
                .allMatch(job -> "Succeeded".equals(given(api).auth().oauth2(alice.token()).get("/compute/jobs/" + job)
                        .then().statusCode(200).extract().<String>path("status.phase"))));
        return jobs.stream().map(job -> given(api).auth().oauth2(alice.token()).get("/compute/jobs/" + job)
                .then().extract().<String>path("status.host")).collect(Collectors.toSet());
    }

    private static int compose(String... arguments) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("docker-compose", "-p", PROJECT, "-f",
                LocalPlatform.root().resolve("docker-compose.yml").toString()));
        command.addAll(List.of(arguments));
        return run(arguments[0].equals("logs") ? "services.log" : "compose.out", command);
    }

    private static int run(String output, List<String> command) throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(LOGS.resolve(output).toFile()));
        builder.environment().put("PARCEL_API_PORT", Integer.toString(API_PORT));
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 15 minutes");
        }
        return process.exitValue();
    }
}
