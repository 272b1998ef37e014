package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class GrantResourceTest {
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;
    private String document;

    @BeforeEach
    void aliceOwnsADocument() {
        alice = known();
        bob = known();
        document = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "for bob".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).extract().path("id");
    }

    private String grant(SelfIssuedIdentity granter, Map<String, Object> body) {
        return given().auth().oauth2(granter.token()).contentType(ContentType.JSON).body(body)
                .post("/v1/grants")
                .then().statusCode(201).extract().path("id");
    }

    private int bobReads() {
        return given().auth().oauth2(bob.token()).get("/v1/storage/" + document + "/download").statusCode();
    }

    @Test
    void grantLetsItsGranteeReadUntilRevoked() {
        Assertions.assertEquals(404, bobReads());
        String id = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal()))
                .post("/v1/grants")
                .then().statusCode(201)
                .body("id", startsWith("G"))
                .body("createdAt", notNullValue())
                .body("granter", equalTo(alice.principal()))
                .body("grantee", equalTo(bob.principal()))
                .body("capabilities", equalTo("read"))
                .body("condition", nullValue())
                .extract().path("id");

        Assertions.assertEquals(200, bobReads());
        given().auth().oauth2(bob.token()).get("/v1/documents/" + document).then().statusCode(200);

        given().auth().oauth2(bob.token()).delete("/v1/grants/" + id).then().statusCode(404);
        given().auth().oauth2(alice.token()).delete("/v1/grants/" + id).then().statusCode(204);
        Assertions.assertEquals(404, bobReads());
    }

    @Test
    void jobOnlyGrantNeverAllowsADirectDownload() {
        grant(alice, Map.of("grantee", bob.principal(),
                "condition", Map.of("job.spec.image", Map.of("$eq", "acme/analytics:1"))));
        grant(alice, Map.of("grantee", bob.principal(),
                "condition", Map.of("$not", Map.of("job.spec.image", Map.of("$eq", "evil/exfiltrate")))));

        Assertions.assertEquals(404, bobReads());
    }

    @Test
    void grantToEveryoneAndConditionsOnTheDocumentWork() {
        grant(alice, Map.of("grantee", "everyone", "condition", Map.of("$and", List.of(
                Map.of("document.id", Map.of("$eq", document)),
                Map.of("accessTime", Map.of("$gte", "2020-01-01T00:00:00Z"))))));

        Assertions.assertEquals(200, bobReads());
    }

    @Test
    void grantIsVisibleToGranterAndGranteeOnly() {
        String id = grant(alice, Map.of("grantee", bob.principal(), "condition",
                Map.of("document.tags", Map.of("$contains", "shared"))));
        var carol = known();

        given().auth().oauth2(alice.token()).get("/v1/grants/" + id).then().statusCode(200)
                .body("condition.'document.tags'.$contains", equalTo("shared"));
        given().auth().oauth2(bob.token()).get("/v1/grants/" + id).then().statusCode(200);
        given().auth().oauth2(carol.token()).get("/v1/grants/" + id).then().statusCode(404);
    }

    @Test
    void listingFiltersAndPagesWithoutRepeats() {
        for (int i = 0; i < 5; i++) {
            grant(alice, Map.of("grantee", bob.principal()));
        }
        var seen = new HashSet<String>();
        String token = "";
        int pages = 0;
        do {
            var page = given().auth().oauth2(bob.token())
                    .queryParam("granter", alice.principal()).queryParam("page-size", 2).queryParam("page-token", token)
                    .get("/v1/grants").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("results.id");
            Assertions.assertTrue(ids.size() <= 2);
            ids.forEach(id -> Assertions.assertTrue(seen.add(id), "no grant twice: " + id));
            token = page.getString("nextPageToken");
            pages++;
        } while (!token.isEmpty());
        Assertions.assertEquals(5, seen.size());
        Assertions.assertEquals(3, pages);
        given().auth().oauth2(known().token()).queryParam("granter", alice.principal()).get("/v1/grants")
                .then().statusCode(200).body("results", hasSize(0));
    }

    @Test
    void badGrantsAreRefusedSayingWhy() {
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "condition", Map.of("document.colour", Map.of("$eq", "red"))))
                .post("/v1/grants")
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("condition: unknown selector document.colour"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "condition", Map.of("document.id", Map.of("$eq", 7))))
                .post("/v1/grants")
                .then().statusCode(400).body("error", equalTo("condition.document.id.$eq: expects a string or null"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", "Inobody")).post("/v1/grants")
                .then().statusCode(400).body("error", containsString("no identity Inobody"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("grantee", bob.principal(), "capabilities", "write")).post("/v1/grants")
                .then().statusCode(400).body("error", startsWith("capabilities:"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body("{\"grantee\": ")
                .post("/v1/grants").then().statusCode(400).contentType(ContentType.JSON);
        given().auth().oauth2(alice.token()).queryParam("page-token", "garbage!").get("/v1/grants")
                .then().statusCode(400).body("error", startsWith("page-token:"));
    }
}
