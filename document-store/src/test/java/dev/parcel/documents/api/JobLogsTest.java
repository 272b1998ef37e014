package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestPlatformKey;
import dev.parcel.tokens.JobTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs' logs: appended by the executor of the attempt, read by whoever may read everything the job read. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class JobLogsTest {
    private static final String IMAGE = "acme/job:1";
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;
    private String jobId;

    @BeforeEach
    void aJobOfAlices() {
        alice = known();
        bob = known();
        jobId = "J" + UUID.randomUUID();
    }

    private static String token(SelfIssuedIdentity submitter, String jobId, JobTokens.Use use) {
        return JobTokens.mint(new JobTokens.JobClaims(jobId, 1, submitter.principal(), IMAGE, List.of(), List.of(),
                "worker-a", use), TestPlatformKey.privateKey(), TestPlatformKey.keyId(),
                SelfIssuedIdentity.PARCEL_AUDIENCE, Duration.ofMinutes(5), Instant.now());
    }

    private static ValidatableResponse append(String token, String jobId, long chunk, String lines) {
        return given().auth().oauth2(token).contentType("application/x-ndjson")
                .body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/v1/jobs/" + jobId + "/logs?chunk=" + chunk).then();
    }

    private static ValidatableResponse read(SelfIssuedIdentity reader, String jobId) {
        return given().auth().oauth2(reader.token()).get("/v1/jobs/" + jobId + "/logs").then();
    }

    private static String line(String text) {
        return "{\"time\":\"" + Instant.now() + "\",\"stream\":\"stdout\",\"line\":\"" + text + "\"}\n";
    }

    @Test
    void chunksReadInTheirOrderAndAChunkSentTwiceIsKeptOnce() {
        String executor = token(alice, jobId, JobTokens.Use.EXECUTOR);
        append(executor, jobId, 7, line("second")).statusCode(204);
        append(executor, jobId, 3, line("first")).statusCode(204);
        append(executor, jobId, 7, line("second")).statusCode(204);

        JsonPath page = read(alice, jobId).statusCode(200).extract().jsonPath();

        assertEquals(List.of(3, 7), page.getList("chunks.chunk", Integer.class));
        assertEquals(0, page.getLong("droppedBytes"));
        assertEquals(List.of(7), given().auth().oauth2(alice.token()).get("/v1/jobs/" + jobId + "/logs?after=1.3")
                .then().statusCode(200).extract().jsonPath().getList("chunks.chunk", Integer.class));
    }

    @Test
    void onlyTheExecutorOfTheJobAppends() {
        append(token(alice, jobId, JobTokens.Use.RELAY), jobId, 1, line("x")).statusCode(403);
        append(token(alice, "J" + UUID.randomUUID(), JobTokens.Use.EXECUTOR), jobId, 1, line("x")).statusCode(403);
        append(alice.token(), jobId, 1, line("x")).statusCode(403);
        append(token(alice, jobId, JobTokens.Use.EXECUTOR), jobId, 0, line("x")).statusCode(400);
        append(token(alice, jobId, JobTokens.Use.EXECUTOR), jobId, 1, "x".repeat((1 << 20) + 1)).statusCode(413);
    }

    @Test
    void theSubmitterOfAJobThatReadNothingOfOthersReadsItsLogsAndNobodyElseDoes() {
        append(token(alice, jobId, JobTokens.Use.EXECUTOR), jobId, 1, line("hello")).statusCode(204);

        read(alice, jobId).statusCode(200);
        read(bob, jobId).statusCode(404).body("error", equalTo("no job " + jobId));
    }

    /** Bob's job read Alice's document under a grant to Bob's jobs only: the logs are Alice's, not Bob's. */
    @Test
    void logsOfAJobThatReadAnotherOwnersDocumentAreThatOwnersOnly() {
        String document = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "secret".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage").then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "condition", Map.of("job.spec.image", Map.of("$eq", IMAGE))))
                .post("/v1/grants").then().statusCode(201);
        String bobsJob = "J" + UUID.randomUUID();
        String executor = token(bob, bobsJob, JobTokens.Use.EXECUTOR);
        given().auth().oauth2(executor).get("/v1/storage/" + document + "/download").then().statusCode(200);
        append(executor, bobsJob, 1, line("secret")).statusCode(204);

        read(bob, bobsJob).statusCode(404);
        read(alice, bobsJob).statusCode(200).body("chunks.size()", equalTo(1));
        var carol = known();
        read(carol, bobsJob).statusCode(404);
    }

    @Test
    void aJobKeepsItsNewestLogsUpToTheLimitAndCountsWhatItDropped() {
        String executor = token(alice, jobId, JobTokens.Use.EXECUTOR);
        String half = "x".repeat(512 * 1024);
        for (int chunk = 1; chunk <= 3; chunk++) {
            append(executor, jobId, chunk, half).statusCode(204);
        }

        JsonPath page = read(alice, jobId).statusCode(200).extract().jsonPath();

        assertEquals(512 * 1024, page.getLong("droppedBytes"));
        assertEquals(1 << 20, page.getLong("limitBytes"));
        assertEquals(List.of(2, 3), page.getList("chunks.chunk", Integer.class));
    }

    @Test
    void aJobThatLoggedNothingHasAnEmptyPage() {
        read(alice, "J" + UUID.randomUUID()).statusCode(200).body("chunks.size()", equalTo(0));
    }
}
