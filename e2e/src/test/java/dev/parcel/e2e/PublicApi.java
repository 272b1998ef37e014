package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.parcel.testkit.SelfIssuedIdentity;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What every end-to-end test does as a client first: make an identity. */
final class PublicApi {
    private PublicApi() {
    }

    static SelfIssuedIdentity register() {
        var identity = new SelfIssuedIdentity();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk()))))
                .post("/identities")
                .then().statusCode(201).extract().path("id");
        return identity.as(id);
    }

    /**
     * The document-store learns identities from the bus, a moment after registration; until then it cannot check
     * their tokens (401). Waits until it answers this identity with a 404 for a document that does not exist.
     */
    static SelfIssuedIdentity knownToTheDocumentStore(SelfIssuedIdentity identity) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().auth().oauth2(identity.token()).get("/documents/Dnothing").statusCode() == 404);
        return identity;
    }
}
