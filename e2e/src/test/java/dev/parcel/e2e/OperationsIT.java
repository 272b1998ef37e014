package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator sees of the platform: metrics on each service's management port, none on the public one. Runs
 * first, on a platform no other class has submitted jobs to: the counters are the platform's, and a job of another
 * class ending meanwhile would be counted too.
 */
@ExtendWith(LocalPlatform.class)
@Order(1)
class OperationsIT {
    private static SelfIssuedIdentity alice;

    @BeforeAll
    static void registerAlice() {
        TestImages.busybox();
        alice = PublicApi.register();
    }

    @Test
    void completedJobsAreCountedByPhaseAndReason() {
        double succeededBefore = completed("Succeeded", "Completed");
        double failedBefore = completed("Failed", "Error");

        List<String> jobs = List.of(submit("exit 0"), submit("exit 0"), submit("exit 3"));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> jobs.stream()
                .allMatch(id -> List.of("Succeeded", "Failed").contains(given().auth().oauth2(alice.token())
                        .get("/compute/jobs/" + id).then().statusCode(200).extract().<String>path("status.phase"))));
        // Counted right after the read model's commit, which a poll can see first.
        await().atMost(Duration.ofSeconds(5)).until(() -> completed("Succeeded", "Completed") - succeededBefore >= 2
                && completed("Failed", "Error") - failedBefore >= 1);
        assertEquals(2, completed("Succeeded", "Completed") - succeededBefore, "Succeeded jobs counted");
        assertEquals(1, completed("Failed", "Error") - failedBefore, "Failed jobs counted");
        assertTrue(metricsOf(LocalPlatform.API_PORT).contains("parcel_job_run_seconds_count "), "run time");
    }

    @Test
    void eachServiceShowsWhatItOwns() {
        String scheduler = metricsOf(LocalPlatform.SCHEDULER_PORT);
        assertTrue(scheduler.contains("parcel_queue_depth "), "queue depth");
        assertTrue(scheduler.contains("parcel_queue_oldest_age_seconds "), "oldest queued age");
        assertTrue(scheduler.contains("parcel_placement_round_seconds_count "), "round duration");
        assertTrue(scheduler.contains("parcel_placement_round_placed_count "), "round size");
        await().atMost(Duration.ofSeconds(15)).until(() -> metricsOf(LocalPlatform.SCHEDULER_PORT)
                .contains("parcel_worker_free_cpus{worker=\"e2e-worker-1\"}"));
        assertTrue(metricsOf(LocalPlatform.DOCUMENT_STORE_PORT).contains("parcel_documents_stored_size_bytes "),
                "bytes stored");
        assertTrue(metricsOf(LocalPlatform.API_PORT).contains("kafka_consumer_fetch_manager_records_lag"),
                "consumer lag");
    }

    @Test
    void thePublicPortServesTheApiAndItsContractOnly() {
        given().get(LocalPlatform.apiUrl().replace("/v1", "/q/metrics")).then().statusCode(404);
        given().get(LocalPlatform.apiUrl().replace("/v1", "/q/health/ready")).then().statusCode(404);
        given().get(LocalPlatform.apiUrl().replace("/v1", "/q/openapi")).then().statusCode(200)
                .body(containsString("/v1/compute/jobs"));
    }

    private static String submit(String script) {
        return given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "counted", "image", TestImages.BUSYBOX, "cmd", List.of("-c", script)))
                .post("/compute/jobs").then().statusCode(201).extract().path("id");
    }

    /** The counter's value; with tracing on, the line may end with an exemplar ({@code # {trace_id=...}}). */
    private static double completed(String phase, String reason) {
        Matcher counted = Pattern.compile("^parcel_jobs_completed_total\\{[^}]*phase=\"" + phase + "\",reason=\""
                + reason + "\"[^}]*} (\\S+)( # .*)?$", Pattern.MULTILINE).matcher(metricsOf(LocalPlatform.API_PORT));
        return counted.find() ? Double.parseDouble(counted.group(1)) : 0;
    }

    private static String metricsOf(int servicePort) {
        return given().get("http://127.0.0.1:" + LocalPlatform.managementPort(servicePort) + "/q/metrics")
                .then().statusCode(200).extract().asString();
    }
}
