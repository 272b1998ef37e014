package dev.parcel.documents;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.parcel.events.IdentityRegistered;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class DocumentStoreServiceTest {

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void isReadyWithItsDatabaseAndBroker() {
        given().get(readiness).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void answersHealthAndMetricsOnTheManagementPortOnly() {
        given().get(metrics).then().statusCode(200).body(containsString("parcel_documents_stored "),
                containsString("parcel_documents_stored_size_bytes "), containsString("parcel_outbox_depth "));
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void learnsRegisteredIdentitiesOnceEach() {
        String id = "I" + UUID.randomUUID();
        var event = IdentityRegistered.of(id, List.of(new IdentityRegistered.TokenVerifier(id, id,
                Map.of("kty", "EC", "crv", "P-256", "x", "x", "y", "y"))));
        EventBusProbe.publish(Topics.IDENTITY_REGISTERED, id, event);
        EventBusProbe.publish(Topics.IDENTITY_REGISTERED, id, event);

        await().atMost(Duration.ofSeconds(30)).until(() -> rowsFor(id) == 1);
    }

    private static int rowsFor(String identityId) throws Exception {
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("document_store"));
                var query = connection.prepareStatement("SELECT count(*) FROM known_token_verifiers WHERE identity_id = ?")) {
            query.setString(1, identityId);
            try (var result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }
}
