package dev.parcel.jobapi.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class OpenApiTest {
    /** Served by the document-store, through the job-api's port: documented from META-INF/openapi.yaml. */
    private static final List<String> FORWARDED = List.of("/v1/storage", "/v1/documents", "/v1/grants");
    private static final Map<Class<? extends Annotation>, String> VERBS = Map.of(GET.class, "get", POST.class, "post",
            PUT.class, "put", DELETE.class, "delete");

    /** Every (verb, path) the job-api's resources serve, read from the resource classes themselves. */
    private static Set<String> routesOfTheResources() throws IOException, ClassNotFoundException {
        var routes = new TreeSet<String>();
        var directory = java.nio.file.Path.of("target/classes/dev/parcel/jobapi/api");
        try (Stream<java.nio.file.Path> files = Files.list(directory)) {
            for (var file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName("dev.parcel.jobapi.api." + name);
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    for (var verb : VERBS.entrySet()) {
                        if (method.isAnnotationPresent(verb.getKey())) {
                            Path sub = method.getAnnotation(Path.class);
                            routes.add(verb.getValue() + " " + root.value() + (sub == null ? "" : sub.value()));
                        }
                    }
                }
            }
        }
        return routes;
    }

    @Test
    void openApiDocumentListsExactlyTheRoutesTheResourcesServe() throws Exception {
        Map<String, Map<String, Object>> paths = given().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        var documented = new TreeSet<String>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(VERBS::containsValue)
                .forEach(verb -> documented.add(verb + " " + path)));

        var forwarded = new TreeSet<String>();
        documented.removeIf(route -> FORWARDED.stream().anyMatch(prefix -> route.split(" ")[1].startsWith(prefix))
                && forwarded.add(route));

        assertEquals(routesOfTheResources(), documented);
        // Exactly the document-store's routes: OpenApiIT (e2e) compares them with that service's own document.
        assertTrue(forwarded.containsAll(Set.of("post /v1/storage", "get /v1/storage/{id}/download",
                "get /v1/documents/{id}", "post /v1/documents/search", "post /v1/grants", "delete /v1/grants/{id}")),
                () -> "forwarded: " + forwarded);
    }

    @Test
    void submissionDocumentsItsIdempotencyKeyHeaderAndBothSuccessfulAnswers() {
        var submission = given().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().setRootPath("paths.'/v1/compute/jobs'.post");

        assertEquals(List.of("header"), submission.getList("parameters.findAll { it.name == 'Idempotency-Key' }.in"));
        assertEquals(255, submission.getInt("parameters.find { it.name == 'Idempotency-Key' }.schema.maxLength"));
        assertTrue(submission.getMap("responses").keySet().containsAll(Set.of("200", "201", "422")),
                () -> "responses: " + submission.getMap("responses").keySet());
    }
}
