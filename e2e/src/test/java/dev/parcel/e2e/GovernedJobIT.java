package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The data owner, not the job author, decides what a job may read: Alice grants Bob's jobs of one image access to
 * her document; Bob himself, and his jobs of any other image, get nothing.
 */
@ExtendWith(LocalPlatform.class)
class GovernedJobIT {
    private static final String OTHER_IMAGE = "parcel-test/busybox-other:latest";
    private static SelfIssuedIdentity alice;
    private static SelfIssuedIdentity bob;
    private static String input;

    @BeforeAll
    static void aliceSharesWithBobsBusyboxJobsOnly() {
        TestImages.busybox();
        TestImages.busyboxNamed(OTHER_IMAGE);
        alice = PublicApi.knownToTheDocumentStore(PublicApi.register());
        bob = PublicApi.knownToTheDocumentStore(PublicApi.register());
        input = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{\"details\": {\"title\": \"names\"}}"
                        .getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "ada lovelace\n".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .post("/storage")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(),
                        "condition", Map.of("job.spec.image", Map.of("$eq", TestImages.BUSYBOX))))
                .post("/grants")
                .then().statusCode(201);
    }

    private static String submit(String image) {
        return given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "shout", "image", image,
                        "cmd", List.of("-c", "tr a-z A-Z < /parcel/data/in/names.txt > /parcel/data/out/result.txt"),
                        "inputDocuments", List.of(Map.of("id", input, "mountPath", "names.txt")),
                        "outputDocuments", List.of(Map.of("mountPath", "result.txt", "owner", alice.principal()),
                                Map.of("mountPath", "never-written.txt"))))
                .post("/compute/jobs")
                .then().statusCode(201).extract().path("id");
    }

    private static JsonPath finished(String jobId) {
        var job = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            job[0] = given().auth().oauth2(bob.token()).get("/compute/jobs/" + jobId)
                    .then().statusCode(200).extract().jsonPath();
            String phase = job[0].getString("status.phase");
            return phase.equals("Succeeded") || phase.equals("Failed");
        });
        return job[0];
    }

    @Test
    void grantedImageReadsTheInputAndItsOutputBelongsToTheOwner() {
        given().auth().oauth2(bob.token()).get("/storage/" + input + "/download").then().statusCode(404);

        var job = finished(submit(TestImages.BUSYBOX));

        assertEquals("Succeeded", job.getString("status.phase"), job.getString("status.message"));
        assertEquals(List.of(input), accessedBy(job.getString("id")));
        assertEquals(List.of("result.txt"), job.getList("io.outputDocuments.mountPath"), "missing outputs skipped");
        String output = job.getString("io.outputDocuments[0].id");

        String result = given().auth().oauth2(alice.token()).get("/storage/" + output + "/download")
                .then().statusCode(200).extract().asString();
        assertEquals("ADA LOVELACE\n", result);
        given().auth().oauth2(alice.token()).get("/documents/" + output)
                .then().statusCode(200)
                .body("owner", equalTo(alice.principal()))
                .body("creator", equalTo(bob.principal()))
                .body("originatingJob", equalTo(job.getString("id")));
        given().auth().oauth2(bob.token()).get("/storage/" + output + "/download").then().statusCode(404);
    }

    /**
     * Logs are derived from what the job read: Bob may see his job but not read Alice's document directly, so its
     * logs are not his; Alice may read hers, so they are hers, until the job also read Carol's.
     */
    @Test
    void logsAreReadableOnlyByWhoMayReadEveryDocumentTheJobRead() {
        String script = "cat /parcel/data/in/*";
        String aliceOnly = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "print", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script),
                        "inputDocuments", List.of(Map.of("id", input, "mountPath", "names.txt"))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
        assertEquals("Succeeded", finished(aliceOnly).getString("status.phase"));

        given().auth().oauth2(bob.token()).get("/compute/jobs/" + aliceOnly + "/logs").then().statusCode(404);
        String logs = given().auth().oauth2(alice.token()).get("/compute/jobs/" + aliceOnly + "/logs")
                .then().statusCode(200).extract().asString();
        assertTrue(logs.endsWith(" stdout ada lovelace\n"), logs);

        var carol = PublicApi.knownToTheDocumentStore(PublicApi.register());
        String carols = given().auth().oauth2(carol.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "grace hopper\n".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .post("/storage").then().statusCode(201).extract().path("id");
        given().auth().oauth2(carol.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(),
                        "condition", Map.of("job.spec.image", Map.of("$eq", TestImages.BUSYBOX))))
                .post("/grants").then().statusCode(201);
        String both = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "print", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script),
                        "inputDocuments", List.of(Map.of("id", input, "mountPath", "names.txt"),
                                Map.of("id", carols, "mountPath", "more.txt"))))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
        assertEquals("Succeeded", finished(both).getString("status.phase"));

        for (var reader : List.of(alice, bob, carol)) {
            given().auth().oauth2(reader.token()).get("/compute/jobs/" + both + "/logs").then().statusCode(404)
                    .body("error", equalTo("no job " + both));
        }
        given().auth().oauth2(alice.token()).get("/compute/jobs/" + both).then().statusCode(200);
    }

    @Test
    void jobOfAnotherImageFailsWithoutStartingAndLeavesNoAccessBehind() {
        int readsBefore = readsOfTheInput();

        var job = finished(submit(OTHER_IMAGE));

        assertEquals("Failed", job.getString("status.phase"));
        assertTrue(job.getString("status.message").contains("is not available to this job"),
                job.getString("status.message"));
        assertEquals(List.of(), job.getList("io.accessedDocuments"));
        assertEquals(readsBefore, readsOfTheInput(), "a refused read is not in the owner's history");
    }

    /**
     * The job's reads as the read model records them once it has heard of them: they travel on their own topic,
     * so they can reach it a moment after the job's completion does.
     */
    private static List<Object> accessedBy(String jobId) {
        var accessed = new java.util.ArrayList<List<Object>>(List.of(List.of()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            accessed.set(0, given().auth().oauth2(bob.token()).get("/compute/jobs/" + jobId)
                    .then().statusCode(200).extract().jsonPath().getList("io.accessedDocuments"));
            return !accessed.get(0).isEmpty();
        });
        return accessed.get(0);
    }

    private static int readsOfTheInput() {
        return given().auth().oauth2(alice.token()).get("/documents/" + input + "/history")
                .then().statusCode(200).extract().jsonPath().getList("results").size();
    }

    @Test
    void jobWithApiAccessReadsThroughTheApiAndTheReadIsOnRecord() {
        // busybox nc stops reading when its input ends, so the input stays open until the answer is in.
        String script = """
                address=${PARCEL_API_URL#http://}; path=/${address#*/}; address=${address%%/*}
                (printf 'GET %s/storage/%s/download HTTP/1.0\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n' \\
                   "$path" "$DOCUMENT" "$PARCEL_TOKEN"; sleep 3) | nc -w 10 ${address%:*} ${address#*:} > /tmp/answer
                grep -q 'ada lovelace' /tmp/answer
                """;
        String id = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "api", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script),
                        "env", Map.of("DOCUMENT", input), "networkPolicy", Map.of("parcelApiAccess", true)))
                .post("/compute/jobs")
                .then().statusCode(201).extract().path("id");

        var job = finished(id);

        assertEquals("Succeeded", job.getString("status.phase"), job.getString("status.message"));
        assertEquals(List.of(input), accessedBy(id));
    }
}
