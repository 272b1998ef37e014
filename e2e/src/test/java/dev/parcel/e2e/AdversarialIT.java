package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.HostCommands;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attacks of a job author on a data owner's grant, made as a black-box caller would: from the job's own
 * commands (busybox {@code nc} against {@code $PARCEL_API_URL}) and from the job author's own machine. Each one is
 * refused, and the owner's data leaves the sandbox only as the owner's grant allows.
 */
@ExtendWith(LocalPlatform.class)
class AdversarialIT {
    private static final String SECRET = "the secret formula\n";
    private static SelfIssuedIdentity alice;
    private static SelfIssuedIdentity bob;
    /** Submits the other tests' jobs, so what Bob owns and ran is the first test's alone, in any order. */
    private static SelfIssuedIdentity mallory;
    private static String secret;

    /** Alice lets Bob's busybox jobs read her secret only if every output of theirs goes to her. */
    @BeforeAll
    static void aliceGrantsBobsJobsOnlyOutputsToHer() {
        TestImages.busybox();
        alice = PublicApi.knownToTheDocumentStore(PublicApi.register());
        bob = PublicApi.knownToTheDocumentStore(PublicApi.register());
        mallory = PublicApi.knownToTheDocumentStore(PublicApi.register());
        secret = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", SECRET.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/storage").then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "condition", Map.of("$and", List.of(
                        Map.of("job.spec.image", Map.of("$eq", TestImages.BUSYBOX)),
                        Map.of("job.spec.outputs", Map.of("$subset",
                                List.of(Map.of("mountPath", "r.txt", "owner", alice.principal()))))))))
                .post("/grants").then().statusCode(201);
    }

    /**
     * Bob's job may read the secret (the grant holds), but what it holds in {@code PARCEL_TOKEN} uploads nothing,
     * submits nothing, grants nothing, reads no identity; copied out of the job, it opens nothing anywhere else.
     */
    @Test
    void theJobsTokenCarriesNoDataPastTheGrant() {
        String script = """
                address=${PARCEL_API_URL#http://}; path=/${address#*/}; address=${address%%/*}
                status() {
                  (printf '%s %s%s HTTP/1.0\\r\\nAuthorization: Bearer %s\\r\\nContent-Type: %s\\r\\nContent-Length: %s\\r\\n\\r\\n%s' \\
                     "$1" "$path" "$2" "$PARCEL_TOKEN" "$3" "${#4}" "$4"; sleep 3) \\
                    | nc -w 10 ${address%:*} ${address#*:} | head -n 1 | cut -d ' ' -f 2
                }
                sleep 10
                test "$(status GET /storage/$SECRET_ID/download text/plain '')" = 200 || exit 10
                test "$(status POST /storage multipart/form-data 'the secret')" = 403 || exit 11
                test "$(status POST /compute/jobs application/json "{\\"name\\": \\"$PARCEL_TOKEN\\"}")" = 403 || exit 12
                test "$(status POST /grants application/json '{"grantee": "everyone"}')" = 403 || exit 13
                test "$(status GET /identities/me text/plain '')" = 403 || exit 14
                test "$(status POST /identities application/json '{"tokenVerifiers": []}')" = 403 || exit 15
                test "$(status GET /storage/../identities/me text/plain '')" = 400 || exit 16
                cp /parcel/data/in/secret.txt /parcel/data/out/r.txt
                """;
        String jobId = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "exfiltrate", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script),
                        "env", Map.of("SECRET_ID", secret),
                        "inputDocuments", List.of(Map.of("id", secret, "mountPath", "secret.txt")),
                        "outputDocuments", List.of(Map.of("mountPath", "r.txt", "owner", alice.principal())),
                        "networkPolicy", Map.of("parcelApiAccess", true)))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
        String copiedOut = whatTheJobHoldsAsItsToken(jobId);

        given().auth().oauth2(copiedOut).get("/storage/" + secret + "/download").then().statusCode(401);
        given().auth().oauth2(copiedOut).get("/documents/" + secret).then().statusCode(401);
        given().auth().oauth2(copiedOut).get("/compute/jobs/" + jobId).then().statusCode(401);

        JsonPath job = ended(bob, jobId);
        assertEquals("Succeeded", job.getString("status.phase"), job.getString("status.message"));
        given().auth().oauth2(copiedOut).get("/storage/" + secret + "/download").then().statusCode(401);
        assertEquals(List.of(), documentsOwnedBy(bob), "Bob owns no document");
        assertEquals(List.of(jobId), given().auth().oauth2(bob.token()).get("/compute/jobs")
                .then().statusCode(200).extract().jsonPath().getList("results.id"), "Bob's only job is his own");
        String output = job.getString("io.outputDocuments[0].id");
        assertEquals(SECRET, given().auth().oauth2(alice.token()).get("/storage/" + output + "/download")
                .then().statusCode(200).extract().asString(), "the output went to Alice, as her grant asks");
    }

    /** Code of the job author's loaded into an image the data owner approved, or the platform's variables forged. */
    @Test
    void envCannotLoadCodeOrForgeThePlatformsVariables() {
        for (String name : List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "ld_preload", "PARCEL_TOKEN",
                "PARCEL_API_URL")) {
            given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                    .body(Map.of("name", "inject", "image", TestImages.BUSYBOX, "cmd", List.of("-c", "true"),
                            "env", Map.of(name, "/parcel/data/in/evil.so")))
                    .post("/compute/jobs").then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.containsString("env." + name));
        }
    }

    /**
     * A program passed in as an input never runs: the inputs are mounted read-only and noexec, so neither its mode
     * nor a loader can make it run. The kernel's own mount table says so from inside the job.
     */
    @Test
    void nothingInTheInputsRuns() {
        String program = given().auth().oauth2(mallory.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "#!/bin/sh\necho ran\n".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .post("/storage").then().statusCode(201).extract().path("id");
        String script = """
                grep ' /parcel/data/in ' /proc/mounts > /tmp/in-mount || exit 10
                grep -q '[ ,]ro[ ,]' /tmp/in-mount || exit 11
                grep -q noexec /tmp/in-mount || exit 12
                chmod +x /parcel/data/in/program.sh 2>/dev/null && exit 13
                /parcel/data/in/program.sh 2>/dev/null && exit 14
                exit 0
                """;
        String jobId = given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "run-an-input", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script),
                        "inputDocuments", List.of(Map.of("id", program, "mountPath", "program.sh"))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");

        JsonPath job = ended(mallory, jobId);
        assertEquals("Succeeded", job.getString("status.phase"), job.getString("status.message"));
    }

    /** A search lists what the caller could read now, by the server's clock, whatever time it names. */
    @Test
    void searchCannotTravelBackIntoAnExpiredGrant() {
        var carol = PublicApi.knownToTheDocumentStore(PublicApi.register());
        String old = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{\"details\": {\"title\": \"old news\"}}"
                        .getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/storage").then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", carol.principal(),
                        "condition", Map.of("accessTime", Map.of("$lt", "2020-01-01T00:00:00Z"))))
                .post("/grants").then().statusCode(201);

        List<String> found = given().auth().oauth2(carol.token()).contentType(ContentType.JSON)
                .body(Map.of("accessibleInContext", Map.of("accessTime", "2019-06-01T00:00:00Z")))
                .post("/documents/search").then().statusCode(200).extract().jsonPath().getList("results.id");

        assertTrue(!found.contains(old), "an expired grant listed " + old);
    }

    /** Bad input is the caller's error (4xx), never the server's. */
    @Test
    void badInputGetsAFourHundredNeverAFiveHundred() {
        given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                .body(Map.of("accessibleInContext", Map.of("job", Map.of("image", TestImages.BUSYBOX,
                        "inputDocuments", List.of(Map.of("id", secret))))))
                .post("/documents/search").then().statusCode(200);
        given().auth().oauth2(mallory.token())
                .multiPart("metadata", "metadata", "{\"details\": {\"tags\": [null]}}"
                        .getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/storage").then().statusCode(400);
        given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", alice.principal(), "padding", "x".repeat(2 << 20)))
                .post("/grants").then().statusCode(413);
    }

    /** A self-issued token good for ten years is refused: a leaked one would be worth that long. */
    @Test
    void aTokenThatLivesForYearsIsRefused() {
        var now = java.time.Instant.now();
        given().auth().oauth2(bob.token(SelfIssuedIdentity.PARCEL_AUDIENCE, now, now.plus(Duration.ofDays(3650))))
                .get("/identities/me").then().statusCode(401)
                .body("error", org.hamcrest.Matchers.containsString("lives longer"));
    }

    /**
     * An image on a registry at any host and port, as a port scanner: no pull is made (the worker's pull policy is
     * {@code never} by default: the "registry", a socket this test listens on, is never connected to) and the failure
     * says nothing of what answers there.
     */
    @Test
    void anImageReferenceIsNoPortScanner() throws java.io.IOException {
        try (var registry = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            registry.setSoTimeout(1);
            String image = "127.0.0.1:" + registry.getLocalPort() + "/parcel-test/absent:latest";
            String jobId = given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                    .body(Map.of("name", "scan", "image", image, "cmd", List.of("-c", "true")))
                    .post("/compute/jobs").then().statusCode(201).extract().path("id");

            JsonPath job = ended(mallory, jobId);
            assertEquals("Failed", job.getString("status.phase"));
            assertEquals("image " + image + " is not available on this worker", job.getString("status.message"));
            try (var connection = registry.accept()) {
                org.junit.jupiter.api.Assertions.fail("the worker connected to the registry the image names: "
                        + connection);
            } catch (java.net.SocketTimeoutException nobodyCame) {
                // as it should be
            }
        }
    }

    /**
     * One job listens; another lists the first one's container address in its egress and connects: refused, since
     * no job reaches a container on another bridge, whatever it lists. (The listener's own policy names a test
     * address that nothing answers at; neither job sends anything off this machine.)
     */
    @Test
    void aJobCannotReachAnotherJobsContainer() {
        String listener = given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "listener", "image", TestImages.BUSYBOX,
                        "cmd", List.of("-c", "while true; do echo hello | nc -l -p 7000; done"),
                        "networkPolicy", Map.of("egress", List.of(Map.of("cidr", "198.18.255.254/32")))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
        String address = containerAddressOf(listener);
        // The control: the listener answers at that address (from this host, which the job rules leave alone).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> answers(address, 7000, "hello"));

        String caller = given().auth().oauth2(mallory.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "neighbour", "image", TestImages.BUSYBOX,
                        "cmd", List.of("-c", "echo | nc -w 3 " + address + " 7000 | grep -q hello && exit 10; exit 0"),
                        "networkPolicy", Map.of("egress", List.of(Map.of("cidr", address + "/32")))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");

        JsonPath job = ended(mallory, caller);
        given().auth().oauth2(mallory.token()).delete("/compute/jobs/" + listener).then().statusCode(204);
        assertEquals("Succeeded", job.getString("status.phase"), "the other job answered: "
                + job.getString("status.message"));
    }

    private static boolean answers(String address, int port, String expected) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 1_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write('\n');
            return new String(socket.getInputStream().readNBytes(expected.length()), StandardCharsets.UTF_8)
                    .equals(expected);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** What an attacker with the host's eyes sees in the job's environment: the container's configuration. */
    private static String whatTheJobHoldsAsItsToken(String jobId) {
        String token = inspected(jobId, "{{range .Config.Env}}{{println .}}{{end}}", "PARCEL_TOKEN=");
        return token.substring("PARCEL_TOKEN=".length());
    }

    private static String containerAddressOf(String jobId) {
        return inspected(jobId, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "");
    }

    /** The first line starting with {@code prefix} that {@code docker inspect} shows of the job's container. */
    private static String inspected(String jobId, String format, String prefix) {
        var found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<String> containers = HostCommands.docker("ps", "-a", "-q", "--filter",
                    "label=dev.parcel.job-id=" + jobId);
            if (containers.isEmpty()) {
                return false;
            }
            found[0] = HostCommands.docker("inspect", "--format", format, containers.get(0)).stream()
                    .filter(line -> !line.isBlank() && line.startsWith(prefix)).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static JsonPath ended(SelfIssuedIdentity submitter, String jobId) {
        var job = new JsonPath[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            job[0] = given().auth().oauth2(submitter.token()).get("/compute/jobs/" + jobId)
                    .then().statusCode(200).extract().jsonPath();
            return List.of("Succeeded", "Failed").contains(job[0].getString("status.phase"));
        });
        return job[0];
    }

    private static List<Object> documentsOwnedBy(SelfIssuedIdentity owner) {
        return given().auth().oauth2(owner.token()).contentType(ContentType.JSON)
                .body(Map.of("selectedByCondition", Map.of("document.owner", Map.of("$eq", owner.principal()))))
                .post("/documents/search").then().statusCode(200).extract().jsonPath().getList("results.id");
    }
}
