package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.parcel.testkit.SelfIssuedIdentity;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Documents through the one public port: the edge forwards them to the document-store, streaming. */
@ExtendWith(LocalPlatform.class)
class DocumentFlowIT {
    private static SelfIssuedIdentity alice;
    private static SelfIssuedIdentity bob;

    @BeforeAll
    static void identities() {
        alice = PublicApi.knownToTheDocumentStore(PublicApi.register());
        bob = PublicApi.knownToTheDocumentStore(PublicApi.register());
    }

    @Test
    void ownerUploadsAndDownloadsThroughTheEdgeAndNobodyElseCan() {
        byte[] content = new byte[20 * 1024 * 1024 + 3];
        new SecureRandom().nextBytes(content);
        String metadata = "{\"details\": {\"title\": \"genome\", \"tags\": [\"dna\"]}}";

        String id = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", content, "application/octet-stream")
                .post("/storage")
                .then().statusCode(201)
                .body("owner", equalTo(alice.principal()))
                .body("size", equalTo(content.length))
                .body("details.title", equalTo("genome"))
                .extract().path("id");

        byte[] downloaded = given().auth().oauth2(alice.token()).get("/storage/" + id + "/download")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(content, downloaded);
        given().auth().oauth2(alice.token()).get("/documents/" + id).then().statusCode(200);

        given().auth().oauth2(bob.token()).get("/storage/" + id + "/download")
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2(bob.token()).get("/documents/" + id).then().statusCode(404);
        given().get("/documents/" + id).then().statusCode(401).contentType(ContentType.JSON);
    }
}
