package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.e2e.TraceCollector.ExportedSpan;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One trace follows a job through every service: the platform exports its spans to the {@link TraceCollector}
 * (tracing is turned on for the whole suite, see {@link LocalPlatform}, for requests that come with a sampled W3C
 * {@code traceparent}), and the spans of one job, from its POST to the projection of its outcome, share its trace id.
 */
@ExtendWith(LocalPlatform.class)
class TracingIT {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static SelfIssuedIdentity alice;
    private static String input;

    @BeforeAll
    static void aliceAndHerDocument() {
        TestImages.busybox();
        alice = PublicApi.knownToTheDocumentStore(PublicApi.register());
        input = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", "ada lovelace\n".getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .post("/storage")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void oneTraceFollowsAJobFromItsPostToItsOutcome() {
        String traceId = randomHex(16);
        String id = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .body(Map.of("name", "traced", "image", TestImages.BUSYBOX,
                        "cmd", List.of("-c", "tr a-z A-Z < /parcel/data/in/names.txt > /parcel/data/out/result.txt"),
                        "inputDocuments", List.of(Map.of("id", input, "mountPath", "names.txt")),
                        "outputDocuments", List.of(Map.of("mountPath", "result.txt"))))
                .post("/compute/jobs")
                .then().statusCode(201).extract().path("id");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> "Succeeded".equals(
                given().auth().oauth2(alice.token()).get("/compute/jobs/" + id + "/status")
                        .then().statusCode(200).extract().path("status.phase")));

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var trace = TraceCollector.inTrace(traceId);
            assertHas(trace, "job-api", "the POST", span -> span.kind().equals("SPAN_KIND_SERVER")
                    && span.name().startsWith("POST /v1/compute/jobs"));
            assertHas(trace, "scheduler", "the placement", span -> span.name().equals("place")
                    && id.equals(span.attributes().get("parcel.job.id")));
            assertHas(trace, "executor", "the attempt", span -> span.name().equals("attempt")
                    && id.equals(span.attributes().get("parcel.job.id")));
            for (String step : List.of("create", "stage", "start", "wait", "outputs")) {
                assertHas(trace, "executor", "step " + step, span -> span.name().equals(step));
            }
            assertHas(trace, "job-api", "the projection of JobCompleted",
                    span -> span.kind().equals("SPAN_KIND_CONSUMER") && span.name().contains("parcel.jobs.completed"));
        });
        // Nothing else was traced, though every other class's requests reached the same services.
        assertEquals(List.of(), TraceCollector.all().stream().filter(span -> !span.traceId().equals(traceId))
                .toList());
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void assertHas(List<ExportedSpan> trace, String service, String what,
            Predicate<ExportedSpan> matching) {
        assertEquals(1, trace.stream().filter(span -> span.service().equals(service)).filter(matching).limit(1)
                .count(), () -> service + " has no span for " + what + " in the job's trace: " + trace);
    }
}
