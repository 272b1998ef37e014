package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

    private static String jobToken(SelfIssuedIdentity submitter, String jobId, int attempt) {
        return JobTokens.mint(new JobTokens.JobClaims(jobId, attempt, submitter.principal(), "acme/job:1", List.of(),
                List.of(), "worker-a"), TestPlatformKey.privateKey(), TestPlatformKey.keyId(),
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

        upload(jobToken(alice, jobId, 2), "Jsomeone-else/2/result.txt", "{}", "x").statusCode(400);
        upload(jobToken(alice, jobId, 2), jobId + "/1/result.txt", "{}", "x").statusCode(400);
        upload(alice.token(), "k".repeat(1025), "{}", "x").statusCode(400);
    }
}
