package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.parcel.events.IdentityRegistered;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestPlatformKey;
import dev.parcel.tokens.JobTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class IdentityResourceTest {

    @Test
    void createdIdentityDefaultsIssuerAndSubjectToItsId() {
        var identity = new SelfIssuedIdentity();
        var created = given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk()))))
                .post("/v1/identities")
                .then().statusCode(201)
                .body("id", notNullValue())
                .body("createdAt", notNullValue())
                .extract().jsonPath();
        String id = created.getString("id");
        org.junit.jupiter.api.Assertions.assertEquals(Set.of("publicKey", "sub", "iss"),
                created.getMap("tokenVerifiers[0]").keySet(), "exactly Parcel's verifier fields");
        org.junit.jupiter.api.Assertions.assertEquals(id, created.getString("tokenVerifiers[0].sub"));
        org.junit.jupiter.api.Assertions.assertEquals(id, created.getString("tokenVerifiers[0].iss"));

        given().auth().oauth2(identity.as(id).token())
                .get("/v1/identities/me")
                .then().statusCode(200).body("id", equalTo(id));

        var published = EventBusProbe.await(Topics.IDENTITY_REGISTERED, IdentityRegistered.class,
                event -> event.identityId().equals(id), Duration.ofSeconds(30));
        org.junit.jupiter.api.Assertions.assertEquals(id, published.tokenVerifiers().get(0).sub());
    }

    @Test
    void explicitIssuerAndSubjectAreKeptAndBelongToOneIdentityOnly() {
        var identity = new SelfIssuedIdentity();
        String sub = "sub-" + System.nanoTime();
        var verifier = Map.of("publicKey", identity.publicJwk(), "sub", sub, "iss", "https://issuer.example");
        given().contentType(ContentType.JSON).body(Map.of("tokenVerifiers", List.of(verifier)))
                .post("/v1/identities")
                .then().statusCode(201)
                .body("tokenVerifiers[0].sub", equalTo(sub))
                .body("tokenVerifiers[0].iss", equalTo("https://issuer.example"));

        given().contentType(ContentType.JSON).body(Map.of("tokenVerifiers", List.of(verifier)))
                .post("/v1/identities")
                .then().statusCode(409).contentType(ContentType.JSON).body("error", containsString("iss and sub"));
    }

    @Test
    void thePlatformsJobTokenIssuerCannotBeClaimed() {
        var identity = new SelfIssuedIdentity();
        given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk(),
                        "iss", "parcel-platform", "sub", "Ivictim"))))
                .post("/v1/identities")
                .then().statusCode(400).body("error", containsString("reserved"));
        // Nor does a token that claims it reach the registered verifiers: only the platform's key signs job tokens.
        given().auth().oauth2(identity.as("parcel-platform").token()).get("/v1/identities/me")
                .then().statusCode(401).body("error", equalTo("the job token is not one the platform issued"));
    }

    @Test
    void aJobTokenActsAsTheJobsSubmitter() {
        var submitter = ApiTestSupport.registeredIdentity();
        String token = JobTokens.mint(new JobTokens.JobClaims("J" + java.util.UUID.randomUUID(), 1,
                submitter.principal(), "parcel-test/busybox:latest", List.of(), List.of(), "worker-a"),
                TestPlatformKey.privateKey(), TestPlatformKey.keyId(), SelfIssuedIdentity.PARCEL_AUDIENCE,
                Duration.ofMinutes(5), java.time.Instant.now());

        given().auth().oauth2(token).get("/v1/identities/me")
                .then().statusCode(200).body("id", equalTo(submitter.principal()));
    }

    @Test
    void privateKeyMaterialIsRefused() {
        given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", new SelfIssuedIdentity().privateJwk()))))
                .post("/v1/identities")
                .then().statusCode(400).body("error", containsString("private key material"));
    }

    @Test
    void missingOrEmptyVerifiersAreRefused() {
        given().contentType(ContentType.JSON).body("{}").post("/v1/identities")
                .then().statusCode(400).body("error", containsString("tokenVerifiers"));
        given().contentType(ContentType.JSON).body("{\"tokenVerifiers\": []}").post("/v1/identities")
                .then().statusCode(400).body("error", containsString("tokenVerifiers"));
        given().contentType(ContentType.JSON).body("{\"tokenVerifiers\": [").post("/v1/identities")
                .then().statusCode(400).body("error", containsString("not valid JSON"));
    }
}
