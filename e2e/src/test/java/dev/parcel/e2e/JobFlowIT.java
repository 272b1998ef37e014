package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One user's jobs through the public REST API of a platform started by {@code bin/parcel up}. */
@ExtendWith(LocalPlatform.class)
class JobFlowIT {
    private static SelfIssuedIdentity alice;

    @BeforeAll
    static void registerAlice() {
        TestImages.busybox();
        alice = PublicApi.register();
    }

    private static String submit(String name, String script) {
        return given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "image", TestImages.BUSYBOX, "cmd", List.of("-c", script)))
                .post("/compute/jobs")
                .then().statusCode(201).body("status.phase", equalTo("Pending"))
                .extract().path("id");
    }

    private static JsonPath finished(String jobId) {
        var status = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            status[0] = given().auth().oauth2(alice.token()).get("/compute/jobs/" + jobId + "/status")
                    .then().statusCode(200).extract().jsonPath();
            String phase = status[0].getString("status.phase");
            return phase.equals("Succeeded") || phase.equals("Failed");
        });
        return status[0];
    }

    @Test
    void echoJobSucceeds() {
        long submitted = System.nanoTime();
        String id = submit("echo", "echo hi");

        var status = finished(id);

        System.out.printf("submit-to-Succeeded latency of a trivial job: %d ms%n",
                (System.nanoTime() - submitted) / 1_000_000);
        org.junit.jupiter.api.Assertions.assertEquals("Succeeded", status.getString("status.phase"),
                status.getString("status.message"));
        given().auth().oauth2(alice.token()).get("/compute/jobs/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("spec.cmd[1]", equalTo("echo hi"))
                .body("status.phase", equalTo("Succeeded"))
                .body("status.host", equalTo("e2e-worker-1"));
    }

    @Test
    void failingCommandEndsFailedWithItsOutcomeReadableByPrograms() {
        var status = finished(submit("fail", "echo out; echo err >&2; exit 3"));

        assertEquals("Failed", status.getString("status.phase"));
        assertThat(status.getString("status.message"), containsString("exit code 3"));
        assertEquals(3, status.getInt("status.exitCode"));
        assertEquals("Error", status.getString("status.reason"));
        assertEquals(1, status.getInt("status.attempt"));
        Instant started = Instant.parse(status.getString("status.startedAt"));
        Instant finished = Instant.parse(status.getString("status.finishedAt"));
        assertFalse(started.isAfter(finished), started + " to " + finished);

        String id = status.getString("id");
        String text = given().auth().oauth2(alice.token()).get("/compute/jobs/" + id + "/logs")
                .then().statusCode(200).contentType(startsWith("text/plain")).extract().asString();
        // Each stream keeps its order; across the two, the engine's timestamps decide, which need not be the order
        // the command wrote them in.
        assertEquals(List.of("stderr err", "stdout out"), text.lines().map(line -> line.substring(line.indexOf(' ') + 1))
                .sorted().toList(), text);
        var lines = given().auth().oauth2(alice.token()).accept("application/x-ndjson")
                .get("/compute/jobs/" + id + "/logs").then().statusCode(200).extract().asString().split("\n");
        assertEquals(2, lines.length, String.join("|", lines));
        var tagged = Arrays.stream(lines).map(JsonPath::new)
                .map(line -> line.getString("stream") + " " + line.getString("line")).sorted().toList();
        assertEquals(List.of("stderr err", "stdout out"), tagged);
        var bob = PublicApi.register();
        given().auth().oauth2(bob.token()).get("/compute/jobs/" + id + "/logs").then().statusCode(404)
                .body("error", equalTo("no job " + id));
    }

    /** Following: lines arrive as the job prints them, and the response ends when the job has ended. */
    @Test
    void followingTheLogsShowsLinesWhileTheJobRuns() throws Exception {
        String id = submit("ticker", "for i in 1 2 3 4 5; do echo tick $i; sleep 1; done");
        var request = HttpRequest.newBuilder(URI.create(LocalPlatform.apiUrl() + "/compute/jobs/" + id
                + "/logs?follow=true"))
                .header("Authorization", "Bearer " + alice.token()).build();

        var received = new ArrayList<String>();
        String phaseAtFirstLine = null;
        try (var lines = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
            for (var iterator = lines.iterator(); iterator.hasNext(); ) {
                received.add(iterator.next());
                if (phaseAtFirstLine == null) {
                    phaseAtFirstLine = given().auth().oauth2(alice.token()).get("/compute/jobs/" + id + "/status")
                            .then().extract().path("status.phase");
                }
            }
        }

        assertEquals("Running", phaseAtFirstLine, "the first line came while the job ran");
        assertEquals(5, received.size(), String.join("|", received));
        assertTrue(received.get(4).endsWith(" stdout tick 5"), received.get(4));
        assertEquals("Succeeded", finished(id).getString("status.phase"));
    }

    /**
     * A job no worker has room for says why it waits: jobs taking every cpu of a worker are submitted until one
     * waits (however many workers an earlier test left running), and its message names the cpus it waits for,
     * the most any worker has free, and its place in the queue.
     */
    @Test
    void aJobThatWaitsForCpusSaysSo() {
        var submitted = new ArrayList<String>();
        String waiting = null;
        try {
            while (waiting == null && submitted.size() < 10) {
                String id = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                        .body(Map.of("name", "blocker", "image", TestImages.BUSYBOX, "cmd", List.of("-c", "sleep 120"),
                                "cpus", 2))
                        .post("/compute/jobs").then().statusCode(201).extract().path("id");
                submitted.add(id);
                var told = new String[1];
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    var status = given().auth().oauth2(alice.token()).get("/compute/jobs/" + id + "/status")
                            .then().statusCode(200).extract().jsonPath();
                    told[0] = status.getString("status.message");
                    return status.getString("status.phase").equals("Running")
                            || told[0] != null && told[0].startsWith("waiting for");
                });
                if (told[0] != null && told[0].startsWith("waiting for")) {
                    waiting = told[0];
                }
            }
            assertTrue(waiting != null && waiting.matches("waiting for 2 cpus; the most free on any live worker is"
                    + " [0-9.]+ cpus? \\(e2e-worker-\\d+\\); first in the queue"), waiting);
        } finally {
            submitted.forEach(id -> given().auth().oauth2(alice.token()).delete("/compute/jobs/" + id));
        }
    }

    /** A job keeps the last 10 MiB of its logs; a reader is told how much came before. */
    @Test
    void logsLargerThanTheLimitKeepTheirEndAndSaySo() {
        String id = submit("chatty", "head -c 12582912 /dev/zero | tr '\\0' x | fold -w 1023; echo; echo the end");
        assertEquals("Succeeded", finished(id).getString("status.phase"));

        String text = given().auth().oauth2(alice.token()).get("/compute/jobs/" + id + "/logs")
                .then().statusCode(200).extract().asString();
        String first = text.substring(0, text.indexOf('\n'));
        long kept = text.lines().filter(line -> line.contains(" stdout x")).count();
        assertTrue(first.matches("\\S+ parcel \\d+ bytes of earlier output were dropped: a job keeps the last"
                + " 10485760 bytes of its logs"), first + " (" + kept + " lines of output kept)");
        assertTrue(text.endsWith(" stdout the end\n"), text.substring(text.length() - 200));
        assertTrue(kept > 5_000 && kept < 12_288, "lines of output kept: " + kept);
    }

    /** A job's own timeout: past it, SIGTERM (then SIGKILL after the grace period), and DeadlineExceeded. */
    @Test
    void jobPastItsTimeoutEndsDeadlineExceeded() {
        String id = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "slow", "image", TestImages.BUSYBOX, "cmd", List.of("-c", "sleep 60"),
                        "timeout", "3s"))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");

        var status = finished(id);

        assertEquals("Failed", status.getString("status.phase"));
        assertEquals("DeadlineExceeded", status.getString("status.reason"));
        assertEquals("killed: it ran longer than its timeout of 3s", status.getString("status.message"));
        Duration ran = Duration.between(Instant.parse(status.getString("status.startedAt")),
                Instant.parse(status.getString("status.finishedAt")));
        assertTrue(ran.compareTo(Duration.ofSeconds(3)) >= 0 && ran.compareTo(Duration.ofSeconds(15)) < 0,
                "ran " + ran);
    }

    @Test
    void anotherIdentityCannotSeeTheJob() {
        String id = submit("mine", "true");
        var bob = PublicApi.register();

        given().auth().oauth2(bob.token()).get("/compute/jobs/" + id)
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
    }

    @Test
    void badInputGetsAClientErrorWithAJsonMessage() {
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body("{not json")
                .post("/compute/jobs")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", notNullValue());
        for (String missing : new String[] {"name", "image", "cmd"}) {
            var spec = new java.util.HashMap<String, Object>(Map.of("name", "n", "image", TestImages.BUSYBOX,
                    "cmd", List.of("-c", "true")));
            spec.remove(missing);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                    .post("/compute/jobs")
                    .then().statusCode(400).body("error", startsWith(missing + ":"));
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "n")).post("/compute/jobs")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2("e30.e30.e30").get("/identities/me")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", notNullValue());
    }
}
