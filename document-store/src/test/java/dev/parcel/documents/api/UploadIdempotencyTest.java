package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.hamcrest.Matchers.containsString;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestPlatformKey;
import dev.parcel.tokens.JobTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An upload repeated with its Idempotency-Key (an executor collecting outputs again after a crash) makes no second document. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class UploadIdempotencyTest {
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;

    @BeforeEach
    void identities() {
        alice = known();
        bob = known();
    }

    private static ValidatableResponse upload(String token, String key, String metadata, String data) {
        return given().auth().oauth2(token).header("Idempotency-Key", key)
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", data.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage").then();
    }

    /** The executor's token for an attempt that declares the output {@code result.txt}. */
    private static String jobToken(SelfIssuedIdentity submitter, String jobId, int attempt) {
        return jobToken(submitter, jobId, attempt, JobTokens.Use.EXECUTOR);
    }

    private static String jobToken(SelfIssuedIdentity submitter, String jobId, int attempt, JobTokens.Use use) {
        return jobToken(submitter, jobId, attempt, use, Map.of("mountPath", "result.txt"));
    }

    private static String jobToken(SelfIssuedIdentity submitter, String jobId, int attempt, JobTokens.Use use,
            Map<String, Object> output) {
        return JobTokens.mint(new JobTokens.JobClaims(jobId, attempt, submitter.principal(), "acme/job:1", List.of(),
                List.of(output), "worker-a", use), TestPlatformKey.privateKey(), TestPlatformKey.keyId(),
                SelfIssuedIdentity.PARCEL_AUDIENCE, Duration.ofMinutes(5), Instant.now());
    }

    @Test
    void repeatedKeyAnswersTheFirstDocumentAndStoresNothingNew() {
        String key = "K" + UUID.randomUUID();
        String first = upload(alice.token(), key, "{}", "first").statusCode(201).extract().path("id");

        String again = upload(alice.token(), key, "{}", "second").statusCode(200).extract().path("id");

        assertEquals(first, again);
        byte[] stored = given().auth().oauth2(alice.token()).get("/v1/storage/" + first + "/download")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), stored);
    }

    @Test
    void keysAreTheUploadersOwn() {
        String key = "K" + UUID.randomUUID();
        String alices = upload(alice.token(), key, "{}", "a").statusCode(201).extract().path("id");

        String bobs = upload(bob.token(), key, "{}", "b").statusCode(201).extract().path("id");

        assertNotEquals(alices, bobs);
    }

    @Test
    void keyUsedForAnotherOwnerIsRefused() {
        String key = "K" + UUID.randomUUID();
        upload(alice.token(), key, "{}", "mine").statusCode(201);

        upload(alice.token(), key, "{\"owner\": \"" + bob.principal() + "\"}", "bobs").statusCode(422);
    }

    @Test
    void jobCollectingAnOutputAgainGetsTheSameDocument() {
        String jobId = "J" + UUID.randomUUID();
        String token = jobToken(alice, jobId, 2);
        String key = jobId + "/2/result.txt";
        String first = upload(token, key, "{}", "output").statusCode(201).extract().path("id");

        upload(token, key, "{}", "output").statusCode(200).body("id", org.hamcrest.Matchers.equalTo(first))
                .body("originatingJob", org.hamcrest.Matchers.equalTo(jobId));
    }

    @Test
    void jobMayOnlyUseKeysOfItsOwnAttemptAndKeysAreBounded() {
        String jobId = "J" + UUID.randomUUID();

        upload(jobToken(alice, jobId, 2), "Jsomeone-else/2/result.txt", "{}", "x").statusCode(403);
        upload(jobToken(alice, jobId, 2), jobId + "/1/result.txt", "{}", "x").statusCode(403);
        upload(alice.token(), "k".repeat(1025), "{}", "x").statusCode(400);
    }

    @Test
    void aJobUploadsOnlyItsDeclaredOutputsToTheirDeclaredOwners() {
        String jobId = "J" + UUID.randomUUID();
        String token = jobToken(alice, jobId, 2);

        upload(token, jobId + "/2/undeclared.txt", "{}", "x").statusCode(403)
                .body("error", containsString("declared outputs"));
        upload(token, jobId + "/2/result.txt", "{\"owner\": \"" + bob.principal() + "\"}", "x").statusCode(403)
                .body("error", containsString("declared owner is " + alice.principal()));
        given().auth().oauth2(token).multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8))
                .post("/v1/storage").then().statusCode(403);
        given().auth().oauth2(alice.token()).contentType("application/json")
                .body(Map.of("selectedByCondition", Map.of("document.originatingJob", Map.of("$eq", jobId))))
                .post("/v1/documents/search").then().statusCode(200).body("results", org.hamcrest.Matchers.empty());
    }

    @Test
    void anOutputUploadedWithoutMetadataIsStillHeldToItsDeclaredOwner() {
        String jobId = "J" + UUID.randomUUID();
        String token = jobToken(alice, jobId, 2, JobTokens.Use.EXECUTOR,
                Map.of("mountPath", "result.txt", "owner", bob.principal()));

        given().auth().oauth2(token).header("Idempotency-Key", jobId + "/2/result.txt")
                .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage").then().statusCode(403)
                .body("error", containsString("declared owner is " + bob.principal()));
    }

    @Test
    void aJobsOwnTokenUploadsNothing() {
        String jobId = "J" + UUID.randomUUID();

        upload(jobToken(alice, jobId, 2, JobTokens.Use.RELAY), jobId + "/2/result.txt", "{}", "x").statusCode(403)
                .body("error", containsString("may only read"));
    }
}
