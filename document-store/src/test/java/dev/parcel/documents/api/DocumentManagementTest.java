package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class DocumentManagementTest {
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;

    @BeforeEach
    void identities() {
        alice = known();
        bob = known();
    }

    private String upload(SelfIssuedIdentity who, String title, String... tags) {
        String metadata = "{\"details\": {\"title\": \"" + title + "\", \"tags\": [" + String.join(",",
                java.util.Arrays.stream(tags).map(tag -> "\"" + tag + "\"").toList()) + "]}}";
        return given().auth().oauth2(who.token())
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", title.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).extract().path("id");
    }

    private List<String> search(SelfIssuedIdentity who, Map<String, Object> body) {
        return given().auth().oauth2(who.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/documents/search")
                .then().statusCode(200).extract().jsonPath().getList("results.id");
    }

    @Test
    void ownerUpdatesDetailsAndHandsTheDocumentOver() {
        String id = upload(alice, "draft", "x");

        given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("details", Map.of("title", "hijacked"))).put("/v1/documents/" + id)
                .then().statusCode(404);
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("details", Map.of("title", "final", "tags", List.of("done")))).put("/v1/documents/" + id)
                .then().statusCode(200).body("details.title", equalTo("final"))
                .body("details.tags", equalTo(List.of("done")));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("owner", "Inobody")).put("/v1/documents/" + id)
                .then().statusCode(400).body("error", startsWith("owner:"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("owner", bob.principal())).put("/v1/documents/" + id)
                .then().statusCode(200).body("owner", equalTo(bob.principal()));
        given().auth().oauth2(bob.token()).get("/v1/documents/" + id).then().statusCode(200);
        given().auth().oauth2(alice.token()).get("/v1/documents/" + id).then().statusCode(404);
    }

    @Test
    void onlyTheOwnerDeletesAndTheBytesGoToo() {
        String id = upload(alice, "temporary");

        given().auth().oauth2(bob.token()).delete("/v1/documents/" + id).then().statusCode(404);
        given().auth().oauth2(alice.token()).delete("/v1/documents/" + id).then().statusCode(204);
        given().auth().oauth2(alice.token()).get("/v1/storage/" + id + "/download").then().statusCode(404);
        given().auth().oauth2(alice.token()).delete("/v1/documents/" + id).then().statusCode(404);
        assertEquals(false, java.nio.file.Files.exists(java.nio.file.Path.of("target/test-blobs", id)));
    }

    @Test
    void searchFindsOwnDocumentsByConditionAndWhatOthersMadeReadable() {
        String report = upload(alice, "report", "finance");
        String notes = upload(alice, "notes", "private");
        String shared = upload(bob, "shared", "finance");
        String notGranted = upload(bob, "not-granted", "finance");
        given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", alice.principal(),
                        "condition", Map.of("document.id", Map.of("$eq", shared))))
                .post("/v1/grants").then().statusCode(201);
        var finance = Map.<String, Object>of("document.tags", Map.of("$contains", "finance"));
        // Other tests share this database and grant documents to everyone; only this test's documents matter here.
        var ours = List.of(report, notes, shared, notGranted);

        assertEquals(List.of(report), only(ours, search(alice, Map.of("selectedByCondition", finance))),
                "a grant's dry run covers the caller's own documents");
        assertEquals(List.of(shared, report), only(ours, search(alice, Map.of("selectedByCondition", finance,
                "accessibleInContext", Map.of("accessor", alice.principal())))));
        assertEquals(List.of(shared, notes, report), only(ours, search(alice, Map.of("accessibleInContext", Map.of()))));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("accessibleInContext", Map.of("accessor", bob.principal())))
                .post("/v1/documents/search").then().statusCode(403).body("error", startsWith("accessibleInContext"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("selectedByCondition", Map.of("document.size", Map.of("$gt", 1))))
                .post("/v1/documents/search").then().statusCode(400)
                .body("error", equalTo("selectedByCondition: condition: unknown selector document.size"));
    }

    private static List<String> only(List<String> ours, List<String> results) {
        return results.stream().filter(ours::contains).toList();
    }

    /** The second case has more documents than the search reads from the database at once (500). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"5, 2", "620, 450"})
    void searchPagesWithoutRepeatsOrGaps(int documents, int pageSize) {
        var uploaded = new ArrayList<String>();
        for (int i = 0; i < documents; i++) {
            uploaded.add(0, upload(alice, "page-" + i));
        }
        var seen = new ArrayList<String>();
        String token = "";
        do {
            var page = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                    .body(Map.of("pageSize", pageSize, "pageToken", token)).post("/v1/documents/search")
                    .then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("results.id");
            assertEquals(true, ids.size() <= pageSize);
            seen.addAll(ids);
            token = page.getString("nextPageToken");
        } while (!token.isEmpty());
        assertEquals(uploaded, seen, "every own document once, newest first");
    }

    /** A grant that expired lists nothing, whatever time the search claims to be made at. */
    @Test
    void searchAnswersForNowByTheServersClock() {
        String document = upload(alice, "expired-grant");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(),
                        "condition", Map.of("accessTime", Map.of("$lt", "2020-01-01T00:00:00Z"))))
                .post("/v1/grants").then().statusCode(201);

        for (var context : List.of(Map.of("accessTime", "2019-06-01T00:00:00Z"),
                Map.of("accessor", bob.principal(), "accessTime", "2019-06-01T00:00:00Z"))) {
            List<String> found = given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                    .body(Map.of("accessibleInContext", context)).post("/v1/documents/search")
                    .then().statusCode(200).extract().jsonPath().getList("results.id");
            assertEquals(List.of(), only(List.of(document), found));
        }
    }

    @Test
    void searchInTheContextOfAPartlyWrittenJobIsAnsweredNotAnError() {
        given().auth().oauth2(bob.token()).contentType(ContentType.JSON)
                .body(Map.of("accessibleInContext", Map.of("job", Map.of("image", "busybox",
                        "inputDocuments", List.of(Map.of("id", "D1")),
                        "outputDocuments", List.of(Map.of("owner", alice.principal()))))))
                .post("/v1/documents/search").then().statusCode(200);
    }

    @Test
    void tagsAreStrings() {
        given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{\"details\": {\"tags\": [null]}}".getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage").then().statusCode(400).body("error", startsWith("details.tags:"));
        String document = upload(alice, "tagged", "a");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body("{\"details\": {\"title\": \"t\", \"tags\": [\"a\", null]}}").put("/v1/documents/" + document)
                .then().statusCode(400).body("error", startsWith("details.tags:"));
        given().auth().oauth2(alice.token()).get("/v1/documents/" + document).then().statusCode(200);
    }

    /** Only uploads stream large bodies; every JSON route takes at most 1 MiB, refused before it is read. */
    @Test
    void jsonBodiesAreSmall() {
        String padding = "x".repeat((1 << 20) + 1);
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "padding", padding)).post("/v1/grants")
                .then().statusCode(413).contentType(ContentType.JSON).body("error", startsWith("a request body here"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("selectedByCondition", Map.of("document.title", Map.of("$eq", padding))))
                .post("/v1/documents/search").then().statusCode(413);
        String document = upload(alice, "small");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("details", Map.of("title", padding))).put("/v1/documents/" + document)
                .then().statusCode(413);
    }
}
