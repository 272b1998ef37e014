package dev.parcel.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records the scheduler can never apply go to their topic's dead-letter topic with the reason and their origin,
 * and the consumer goes on: the events behind them are applied.
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class DeadLetterTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeAll
    static void startFromAnEmptyQueue() throws Exception {
        EmptyQueue.retireEverythingQueued();
    }

    @Test
    void undecodableAndUnknownVersionSubmissionsAreSetAsideAndTheNextJobIsPlaced() throws Exception {
        String jobId = "J" + UUID.randomUUID();
        String unknownVersion = EventBusProbe.JSON.writeValueAsString(JobSubmitted.of(jobId, "Isubmitter", spec()))
                .replace("\"version\":1", "\"version\":99");
        var bad = List.of(
                EventBusProbe.publishRaw(Topics.JOB_SUBMITTED, jobId, "not json"),
                EventBusProbe.publishRaw(Topics.JOB_SUBMITTED, jobId, "{\"truncated\":"),
                EventBusProbe.publishRaw(Topics.JOB_SUBMITTED, jobId, unknownVersion));
        String worker = "worker-" + UUID.randomUUID();
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, worker, WorkerHeartbeat.of(worker, 64, 64L << 30, 1, 1L << 30));
        var good = JobSubmitted.of("J" + UUID.randomUUID(), "Isubmitter", spec());
        EventBusProbe.publish(Topics.JOB_SUBMITTED, good.jobId(), good);

        var deadLetters = EventBusProbe.awaitRecords(Topics.JOB_SUBMITTED + ".dead-letter",
                record -> jobId.equals(record.key()), 3, PATIENCE);
        assertEquals(origins(bad), deadLetters.stream().map(DeadLetterTest::origin).collect(Collectors.toSet()));
        assertEquals(Set.of("not json", "{\"truncated\":", unknownVersion),
                deadLetters.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
        String versionReason = deadLetters.stream().filter(record -> record.value().equals(unknownVersion))
                .map(record -> header(record, "dead-letter-reason")).findFirst().orElseThrow();
        assertTrue(versionReason.contains("version 99"), versionReason);

        EventBusProbe.await(Topics.JOB_SCHEDULED, JobScheduled.class, e -> e.jobId().equals(good.jobId()),
                PATIENCE);
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, worker, WorkerHeartbeat.of(worker, 0, 0, 0, 0));
    }

    @Test
    void heartbeatOfAnUnknownVersionIsSetAside() throws Exception {
        String worker = "worker-" + UUID.randomUUID();
        String future = EventBusProbe.JSON.writeValueAsString(WorkerHeartbeat.of(worker, 0, 0, 0, 0))
                .replace("\"version\":" + WorkerHeartbeat.VERSION, "\"version\":" + (WorkerHeartbeat.VERSION + 1));
        RecordMetadata sent = EventBusProbe.publishRaw(Topics.WORKER_HEARTBEAT, worker, future);

        var deadLetter = EventBusProbe.awaitRecords(Topics.WORKER_HEARTBEAT + ".dead-letter",
                record -> worker.equals(record.key()), 1, PATIENCE).get(0);
        assertEquals(sent.partition() + "@" + sent.offset(), origin(deadLetter));
        assertEquals(Topics.WORKER_HEARTBEAT, header(deadLetter, "dead-letter-topic"));
    }

    private static JobSpec spec() {
        return new JobSpec("job", "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, 1.0, "1G",
                null);
    }

    private static Set<String> origins(List<RecordMetadata> sent) {
        return sent.stream().map(metadata -> metadata.partition() + "@" + metadata.offset())
                .collect(Collectors.toSet());
    }

    private static String origin(ConsumerRecord<String, String> deadLetter) {
        return header(deadLetter, "dead-letter-partition") + "@" + header(deadLetter, "dead-letter-offset");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
