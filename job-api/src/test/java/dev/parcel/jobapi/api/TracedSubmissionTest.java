package dev.parcel.jobapi.api;

import static dev.parcel.jobapi.api.ApiTestSupport.jobSpec;
import static dev.parcel.jobapi.api.ApiTestSupport.registeredIdentity;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TracingOn;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A submission's JobSubmitted leaves through the outbox, published later by the relay in a context of its own; the
 * record must still carry the trace of the request that submitted the job.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
@QuarkusTestResource(SharedInfrastructure.class)
class TracedSubmissionTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void jobSubmittedIsPublishedInTheTraceOfItsPost() {
        var alice = registeredIdentity();
        String id = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(jobSpec("traced", "-c", "true"))
                .post("/v1/compute/jobs")
                .then().statusCode(201)
                .extract().path("id");

        SpanData post = awaitSpan(span -> span.getKind() == SpanKind.SERVER
                && span.getName().startsWith("POST /v1/compute/jobs"));
        var record = EventBusProbe.awaitRecords(Topics.JOB_SUBMITTED, r -> id.equals(r.key()), 1, PATIENCE).get(0);
        var header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "JobSubmitted carries a traceparent");
        String[] traceparent = new String(header.value(), StandardCharsets.UTF_8).split("-");

        assertEquals(post.getTraceId(), traceparent[1], "the record is in the POST's trace");
        SpanData publish = awaitSpan(span -> span.getKind() == SpanKind.PRODUCER
                && span.getSpanId().equals(traceparent[2]));
        assertEquals(post.getTraceId(), publish.getTraceId());
    }

    private SpanData awaitSpan(Predicate<SpanData> matching) {
        return await().atMost(PATIENCE).until(
                () -> spans.getFinishedSpanItems().stream().filter(matching).findFirst(), Optional::isPresent).get();
    }
}
