package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parcel.events.DocumentAccessed;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class AccessLogTest {
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;
    private SelfIssuedIdentity carol;
    private String document;

    @BeforeEach
    void aliceSharesADocumentWithBob() {
        alice = known();
        bob = known();
        carol = known();
        document = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "logged".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(Map.of("grantee", bob.principal()))
                .post("/v1/grants").then().statusCode(201);
    }

    private void download(SelfIssuedIdentity who, int status) {
        given().auth().oauth2(who.token()).get("/v1/storage/" + document + "/download").then().statusCode(status);
    }

    @Test
    void everySuccessfulReadIsLoggedAndAnnouncedAndRefusedOnesAreNot() {
        download(bob, 200);
        download(carol, 404);
        download(alice, 200);

        given().auth().oauth2(alice.token()).get("/v1/documents/" + document + "/history")
                .then().statusCode(200)
                .body("results", hasSize(2))
                .body("results[0].accessor", equalTo(alice.principal()))
                .body("results[1].accessor", equalTo(bob.principal()))
                .body("results[1].document", equalTo(document))
                .body("nextPageToken", equalTo(""));

        var announced = EventBusProbe.awaitAll(Topics.DOCUMENT_ACCESSED, DocumentAccessed.class,
                event -> event.documentId().equals(document), 2, Duration.ofSeconds(30));
        assertEquals(List.of(bob.principal(), alice.principal()),
                announced.stream().map(DocumentAccessed::accessor).toList());
        assertEquals(alice.principal(), announced.get(0).owner());
        assertNull(announced.get(0).jobId(), "a direct download is no job's read");
        EventBusProbe.assertNone(Topics.DOCUMENT_ACCESSED, DocumentAccessed.class,
                event -> event.documentId().equals(document) && event.accessor().equals(carol.principal()),
                Duration.ofSeconds(2));
    }

    @Test
    void historyIsTheOwnersAloneAndFiltersAndPages() {
        for (int i = 0; i < 3; i++) {
            download(bob, 200);
        }
        download(alice, 200);

        given().auth().oauth2(bob.token()).get("/v1/documents/" + document + "/history").then().statusCode(404);
        given().auth().oauth2(alice.token()).queryParam("accessor", bob.principal())
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(3));
        String token = given().auth().oauth2(alice.token()).queryParam("page-size", 3)
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(3)).extract().path("nextPageToken");
        given().auth().oauth2(alice.token()).queryParam("page-size", 3).queryParam("page-token", token)
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(1)).body("nextPageToken", equalTo(""));
        given().auth().oauth2(alice.token()).queryParam("after", "2999-01-01T00:00:00Z")
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(0));
        // The Parcel client sends a Date as milliseconds since the epoch.
        given().auth().oauth2(alice.token()).queryParam("after", Long.toString(32503680000000L))
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(0));
        given().auth().oauth2(alice.token()).queryParam("after", "0")
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(200).body("results", hasSize(4));
        given().auth().oauth2(alice.token()).queryParam("before", "yesterday")
                .get("/v1/documents/" + document + "/history")
                .then().statusCode(400).body("error", startsWith("before:"));
    }
}
