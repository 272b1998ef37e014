package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;

import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class OpenApiTest {

    @Test
    void openApiDocumentListsEveryRoute() {
        given().accept("application/json").get("/q/openapi")
                .then().statusCode(200)
                .body("paths", hasKey("/v1/identities"))
                .body("paths", hasKey("/v1/identities/me"))
                .body("paths", hasKey("/v1/identities/{id}"))
                .body("paths", hasKey("/v1/compute/jobs"))
                .body("paths", hasKey("/v1/compute/jobs/{id}"))
                .body("paths", hasKey("/v1/compute/jobs/{id}/status"));
    }
}
