package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forwarding itself is proven end to end (e2e); here, what a client sees when the document-store is down. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
@TestProfile(DocumentStoreForwardingTest.DocumentStoreDown.class)
class DocumentStoreForwardingTest {

    public static class DocumentStoreDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
            return Map.of("parcel.edge.document-store-url", "http://127.0.0.1:9");
        }
    }

    @Test
    void unreachableDocumentStoreIsABadGatewayWithAJsonError() {
        for (String path : new String[] {"/v1/documents/D1", "/v1/storage/D1/download", "/v1/grants/G1"}) {
            given().get(path)
                    .then().statusCode(502).contentType(ContentType.JSON)
                    .body("error", containsString("document storage is unavailable"));
        }
    }
}
