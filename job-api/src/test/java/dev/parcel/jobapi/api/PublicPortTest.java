package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The public edge serves the API and its OpenAPI document; health and metrics only on the management port. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class PublicPortTest {
    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void servesTheOpenApiDocument() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/compute/jobs"));
    }

    @Test
    void answersHealthAndMetricsOnTheManagementPortOnly() {
        given().get(readiness).then().statusCode(200);
        given().get(metrics).then().statusCode(200).body(containsString("parcel_jobs_submitted_total "),
                containsString("parcel_outbox_depth "), containsString("kafka_consumer_"));
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }
}
