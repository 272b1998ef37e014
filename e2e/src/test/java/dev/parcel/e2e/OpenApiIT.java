package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The public API's contract covers the routes the job-api forwards to the document-store: its OpenAPI document
 * lists exactly the document-store's own routes under the forwarded prefixes (each service generates its document
 * from its resources; the job-api's part for the forwarded routes is written by hand).
 */
@ExtendWith(LocalPlatform.class)
class OpenApiIT {
    private static final List<String> FORWARDED = List.of("/v1/storage", "/v1/documents", "/v1/grants");

    private static Set<String> forwardedRoutesIn(String openApiUrl) {
        Map<String, Map<String, Object>> paths = given().accept("application/json").get(openApiUrl)
                .then().statusCode(200).extract().path("paths");
        var routes = new TreeSet<String>();
        paths.forEach((path, operations) -> {
            if (FORWARDED.stream().anyMatch(path::startsWith)) {
                operations.keySet().stream().filter(Set.of("get", "post", "put", "delete")::contains)
                        .forEach(verb -> routes.add(verb + " " + path));
            }
        });
        return routes;
    }

    @Test
    void thePublicDocumentListsExactlyTheForwardedRoutesTheDocumentStoreServes() {
        assertEquals(forwardedRoutesIn("http://127.0.0.1:" + LocalPlatform.DOCUMENT_STORE_PORT + "/q/openapi"),
                forwardedRoutesIn("http://127.0.0.1:" + LocalPlatform.API_PORT + "/q/openapi"));
    }
}
