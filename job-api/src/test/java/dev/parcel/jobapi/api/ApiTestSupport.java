package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;

import dev.parcel.testkit.SelfIssuedIdentity;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;

/** Registers identities through the API, as a client would. */
final class ApiTestSupport {
    private ApiTestSupport() {
    }

    static SelfIssuedIdentity registeredIdentity() {
        var identity = new SelfIssuedIdentity();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk()))))
                .post("/v1/identities")
                .then().statusCode(201)
                .extract().path("id");
        return identity.as(id);
    }

    static Map<String, Object> jobSpec(String name, String... cmd) {
        return Map.of("name", name, "image", "parcel-test/busybox:latest", "cmd", List.of(cmd));
    }
}
