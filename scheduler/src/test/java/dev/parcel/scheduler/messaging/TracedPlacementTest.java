package dev.parcel.scheduler.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TracingOn;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A round places many jobs outside any job's trace; each placement must still be in the trace its job was
 * submitted in, so that the executor continues it.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
@QuarkusTestResource(SharedInfrastructure.class)
class TracedPlacementTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    InMemorySpanExporter spans;

    @BeforeAll
    static void startFromAnEmptyQueue() throws Exception {
        EmptyQueue.retireEverythingQueued();
    }

    @Test
    void aPlacementIsInTheTraceOfItsSubmission() throws Exception {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String submitSpanId = "00f067aa0ba902b7";
        String jobId = "J" + UUID.randomUUID();
        var spec = new JobSpec("traced", "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, 1.0,
                "64M", null);
        submitTraced(jobId, JobSubmitted.of(jobId, "Isubmitter", spec), "00-" + traceId + "-" + submitSpanId + "-01");
        String worker = "worker-" + UUID.randomUUID();
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, worker, WorkerHeartbeat.of(worker, 2, 1L << 30, 2, 1L << 30));
        try {
            var record = EventBusProbe.awaitRecords(Topics.JOB_SCHEDULED, r -> jobId.equals(r.key()), 1, PATIENCE)
                    .get(0);
            var header = record.headers().lastHeader("traceparent");
            assertNotNull(header, "JobScheduled carries a traceparent");
            assertEquals(traceId, new String(header.value(), StandardCharsets.UTF_8).split("-")[1]);

            SpanData place = await().atMost(PATIENCE).until(() -> spans.getFinishedSpanItems().stream()
                    .filter(span -> span.getName().equals("place")
                            && jobId.equals(span.getAttributes().get(AttributeKey.stringKey("parcel.job.id"))))
                    .findFirst(), Optional::isPresent).get();
            assertEquals(traceId, place.getTraceId());
            assertEquals(submitSpanId, place.getParentSpanId(), "placed under the span that submitted it");
        } finally {
            EventBusProbe.publish(Topics.WORKER_HEARTBEAT, worker, WorkerHeartbeat.of(worker, 0, 0, 0, 0));
        }
    }

    /** As the job-api's relay publishes it: with the trace of the POST in the record's headers. */
    private static void submitTraced(String jobId, JobSubmitted event, String traceparent) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap()),
                new StringSerializer(), new StringSerializer())) {
            var record = new ProducerRecord<>(Topics.JOB_SUBMITTED, jobId,
                    EventBusProbe.JSON.writeValueAsString(event));
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }
}
