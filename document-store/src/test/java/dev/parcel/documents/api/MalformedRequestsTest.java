package dev.parcel.documents.api;

import static dev.parcel.documents.api.StorageResourceTest.known;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parcel.testkit.JsonFuzz;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generated bad input for every JSON route of the document-store (grants with conditions, search, document details,
 * upload metadata) and the query parameters of its lists: each request is a good one broken in one to three places
 * ({@link JsonFuzz}), and each answer must be a success or a 4xx with a JSON error, never a 5xx. The seed is fixed,
 * so a failure repeats; set {@code -Dparcel.fuzz.seed} to explore others.
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class MalformedRequestsTest {
    private static final int PER_ROUTE = 1_500;
    private static final int UPLOADS = 500;
    private static final String[] QUERY_VALUES = {"", " ", "-1", "0", "1001", "99999999999", "x", "null",
            "2020-01-01T00:00:00Z", "not-a-time", "\u0000", "%", "Inobody", "everyone", "x".repeat(5000)};

    private final HttpClient http = HttpClient.newHttpClient();
    private final long seed = Long.getLong("parcel.fuzz.seed", 20261130L);
    private final TreeMap<Integer, Integer> answers = new TreeMap<>();

    @Test
    void everyMalformedRequestIsAClientErrorOrASuccessNeverAServerError() throws Exception {
        var alice = known();
        var bob = known();
        String document = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/v1/storage").then().statusCode(201).extract().path("id");
        var fuzz = new JsonFuzz(seed);
        var jobSpec = Map.<String, Object>of("image", "busybox",
                "inputDocuments", List.of(Map.of("id", document, "mountPath", "in.txt")),
                "outputDocuments", List.of(Map.of("mountPath", "out.txt", "owner", alice.principal())));
        var routes = Map.<String, Map<String, Object>>of(
                "POST /v1/grants", Map.of("grantee", bob.principal(), "capabilities", "read",
                        "condition", Map.of("$and", List.of(
                                Map.of("document.title", Map.of("$eq", "x")),
                                Map.of("job.spec.outputs", Map.of("$subset", List.of(Map.of("mountPath", "out.txt",
                                        "owner", alice.principal())))),
                                Map.of("$not", Map.of("accessTime", Map.of("$lt", "2020-01-01T00:00:00Z")))))),
                "POST /v1/documents/search", Map.of("selectedByCondition",
                        Map.of("document.tags", Map.of("$contains", "a")), "pageSize", 10,
                        "accessibleInContext", Map.of("accessor", bob.principal(), "job", jobSpec,
                                "accessTime", "2026-01-01T00:00:00Z")),
                "PUT /v1/documents/" + document, Map.of("details", Map.of("title", "t", "tags", List.of("a", "b"))));
        for (var route : new TreeMap<>(routes).entrySet()) {
            String[] methodAndPath = route.getKey().split(" ");
            for (int i = 0; i < PER_ROUTE; i++) {
                String body = fuzz.body(route.getValue());
                check(route.getKey(), body, send(alice, methodAndPath[0], methodAndPath[1], body));
            }
        }
        for (int i = 0; i < UPLOADS; i++) {
            String metadata = fuzz.body(Map.of("owner", alice.principal(),
                    "details", Map.of("title", "t", "tags", List.of("a"))));
            var response = given().auth().oauth2(alice.token())
                    .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                    .multiPart("data", "data", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                    .post("/v1/storage");
            check("POST /v1/storage (metadata)", metadata, new Answer(response.statusCode(), response.asString()));
        }
        var random = new Random(seed);
        for (int i = 0; i < PER_ROUTE; i++) {
            String path = random.nextBoolean()
                    ? "/v1/documents/" + document + "/history?" + query(random, "accessor", "after", "before",
                            "page-size", "page-token")
                    : "/v1/grants?" + query(random, "granter", "grantee", "page-size", "page-token");
            check("GET " + path, "", send(alice, "GET", path, null));
        }
        System.out.println("malformed requests answered, by status: " + answers);
    }

    private record Answer(int status, String body) {
    }

    private Answer send(SelfIssuedIdentity who, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .header("Authorization", "Bearer " + who.token())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static String query(Random random, String... names) {
        var query = new StringBuilder();
        for (String name : names) {
            if (random.nextBoolean()) {
                String value = QUERY_VALUES[random.nextInt(QUERY_VALUES.length)];
                query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
            }
        }
        return query.toString();
    }

    private void check(String route, String body, Answer answer) {
        answers.merge(answer.status(), 1, Integer::sum);
        JsonFuzz.wrongAnswer(answer.status(), answer.body()).ifPresent(wrong -> fail(wrong + ": " + route + " "
                + body.substring(0, Math.min(body.length(), 300)) + " (seed " + seed + ") -> " + answer.status()
                + " " + answer.body()));
    }
}
