package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.HashMap;
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
    void aJobTokenReachesNoIdentityRoute() {
        var submitter = ApiTestSupport.registeredIdentity();
        for (var use : JobTokens.Use.values()) {
            String token = JobTokens.mint(new JobTokens.JobClaims("J" + java.util.UUID.randomUUID(), 1,
                    submitter.principal(), "parcel-test/busybox:latest", List.of(), List.of(), "worker-a", use),
                    TestPlatformKey.privateKey(), TestPlatformKey.keyId(), SelfIssuedIdentity.PARCEL_AUDIENCE,
                    Duration.ofMinutes(5), java.time.Instant.now());

            given().auth().oauth2(token).get("/v1/identities/me").then().statusCode(403);
            given().auth().oauth2(token).get("/v1/identities/" + submitter.principal()).then().statusCode(403);
            // Registering needs no token, but a job's token may not register one: the job would own the identity.
            given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", new SelfIssuedIdentity().publicJwk()))))
                    .post("/v1/identities").then().statusCode(403);
        }
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

    @Test
    void whatTheParcelClientSendsIsStoredWhole() {
        var identity = new SelfIssuedIdentity();
        var key = new HashMap<>(identity.publicJwk());
        key.put("alg", "ES256");
        key.put("use", "sig");
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", key))))
                .post("/v1/identities")
                .then().statusCode(201).body("tokenVerifiers[0].publicKey", equalTo(key))
                .extract().path("id");

        given().auth().oauth2(identity.as(id).token()).get("/v1/identities/me")
                .then().statusCode(200).body("tokenVerifiers[0].publicKey", equalTo(key));
    }

    /** A 2 MiB extra member would make an IdentityRegistered too large for the broker to ever take. */
    @Test
    void anUnknownKeyMemberIsDroppedFromWhatIsStoredAndAnnounced() throws Exception {
        var identity = new SelfIssuedIdentity();
        var key = new HashMap<>(identity.publicJwk());
        // Far more than an event may carry, within the 1 MiB a JSON body may have.
        key.put("x-padding", "p".repeat(512 << 10));
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", key))))
                .post("/v1/identities")
                .then().statusCode(201).body("tokenVerifiers[0].publicKey", equalTo(identity.publicJwk()))
                .extract().path("id");

        given().auth().oauth2(identity.as(id).token()).get("/v1/identities/" + id)
                .then().statusCode(200).body("tokenVerifiers[0].publicKey", equalTo(identity.publicJwk()));
        var published = EventBusProbe.await(Topics.IDENTITY_REGISTERED, IdentityRegistered.class,
                event -> event.identityId().equals(id), Duration.ofSeconds(30));
        assertEquals(identity.publicJwk(), published.tokenVerifiers().get(0).publicKey());
        int bytes = EventBusProbe.JSON.writeValueAsBytes(published).length;
        assertTrue(bytes < 1_024, "IdentityRegistered has " + bytes + " bytes");
    }

    @Test
    void eachKeyMemberClaimAndTheVerifierCountIsBounded() {
        var key = new HashMap<>(new SelfIssuedIdentity().publicJwk());
        key.put("kid", "k".repeat(257));
        given().contentType(ContentType.JSON).body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", key))))
                .post("/v1/identities")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("tokenVerifiers[0].publicKey.kid: at most 256 characters"));

        given().contentType(ContentType.JSON).body(Map.of("tokenVerifiers", List.of(Map.of(
                        "publicKey", new SelfIssuedIdentity().publicJwk(), "iss", "i".repeat(257)))))
                .post("/v1/identities")
                .then().statusCode(400).body("error", equalTo("tokenVerifiers[0].iss: at most 256 characters"));

        var seventeen = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 17; i++) {
            seventeen.add(Map.of("publicKey", new SelfIssuedIdentity().publicJwk(), "sub", "s" + i));
        }
        given().contentType(ContentType.JSON).body(Map.of("tokenVerifiers", seventeen))
                .post("/v1/identities")
                .then().statusCode(400).body("error", equalTo("tokenVerifiers: at most 16 verifiers"));
    }
}
