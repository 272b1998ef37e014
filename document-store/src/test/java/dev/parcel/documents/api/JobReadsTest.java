package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.events.DocumentAccessed;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestPlatformKey;
import dev.parcel.tokens.JobTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads and writes made with job tokens, which carry the job's facts for grant conditions. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class JobReadsTest {
    private static final String ANALYTICS = "acme/analytics:1";
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;
    private String document;

    private static String jobToken(SelfIssuedIdentity submitter, String jobId, String image) {
        return JobTokens.mint(new JobTokens.JobClaims(jobId, 1, submitter.principal(), image, List.of(),
                List.of(), "worker-a", JobTokens.Use.RELAY), TestPlatformKey.privateKey(), TestPlatformKey.keyId(),
                SelfIssuedIdentity.PARCEL_AUDIENCE, Duration.ofMinutes(5), Instant.now());
    }

    @BeforeEach
    void aliceGrantsBobsAnalyticsJobs() {
        alice = known();
        bob = known();
        document = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "for analytics".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(),
                        "condition", Map.of("job.spec.image", Map.of("$eq", ANALYTICS))))
                .post("/v1/grants").then().statusCode(201);
    }

    @Test
    void jobOfTheGrantedImageReadsAndTheReadIsTheJobs() throws Exception {
        String jobId = "J" + UUID.randomUUID();

        given().auth().oauth2(jobToken(bob, jobId, ANALYTICS)).get("/v1/storage/" + document + "/download")
                .then().statusCode(200);

        var accessed = EventBusProbe.await(Topics.DOCUMENT_ACCESSED, DocumentAccessed.class,
                event -> event.documentId().equals(document), Duration.ofSeconds(30));
        assertEquals(jobId, accessed.jobId());
        assertEquals(bob.principal(), accessed.accessor());
        given().auth().oauth2(alice.token()).get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results[0].accessor", equalTo(bob.principal()));
    }

    @Test
    void jobOfAnotherImageAndTheGranteeHimselfAreRefused() throws Exception {
        given().auth().oauth2(jobToken(bob, "J" + UUID.randomUUID(), "evil/exfiltrate"))
                .get("/v1/storage/" + document + "/download").then().statusCode(404);
        given().auth().oauth2(bob.token()).get("/v1/storage/" + document + "/download").then().statusCode(404);
    }

    @Test
    void jobTokenSignedByAnyOtherKeyIsRejected() throws Exception {
        var job = new JobTokens.JobClaims("J1", 1, bob.principal(), ANALYTICS, List.of(), List.of(), "worker-a",
                JobTokens.Use.RELAY);
        var forger = org.jose4j.jwk.EcJwkGenerator.generateJwk(org.jose4j.keys.EllipticCurves.P256);
        String forged = JobTokens.mint(job, forger.getPrivateKey(), "platform", SelfIssuedIdentity.PARCEL_AUDIENCE,
                Duration.ofMinutes(5), Instant.now());

        given().auth().oauth2(forged).get("/v1/storage/" + document + "/download")
                .then().statusCode(401).body("error", equalTo("the job token is not one the platform issued"));
    }

    @Test
    void jobsOutputRecordsItsOriginatingJob() throws Exception {
        String jobId = "J" + UUID.randomUUID();
        String metadata = "{\"owner\": \"" + alice.principal() + "\"}";

        String executorToken = JobTokens.mint(new JobTokens.JobClaims(jobId, 1, bob.principal(), ANALYTICS, List.of(),
                List.of(Map.of("mountPath", "result.txt", "owner", alice.principal())), "worker-a",
                JobTokens.Use.EXECUTOR), TestPlatformKey.privateKey(), TestPlatformKey.keyId(),
                SelfIssuedIdentity.PARCEL_AUDIENCE, Duration.ofMinutes(5), Instant.now());

        given().auth().oauth2(executorToken).header("Idempotency-Key", jobId + "/1/result.txt")
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "result".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201)
                .body("originatingJob", equalTo(jobId))
                .body("creator", equalTo(bob.principal()))
                .body("owner", equalTo(alice.principal()));
    }
}
