package dev.parcel.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.parcel.events.JobTerminationRequested;
import io.smallrye.mutiny.Uni;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

/** The intake's decisions, with dead letters recorded instead of sent and pauses of a millisecond. */
class EventIntakeTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String TOPIC = "parcel.jobs.termination-requested";

    private final List<String> setAside = new ArrayList<>();
    private final ConsumerReadiness readiness = new ConsumerReadiness();
    private final EventIntake intake = new EventIntake(JSON, new DeadLetters(null, null) {
        @Override
        Uni<Void> send(ConsumerRecord<String, String> record, String reason) {
            setAside.add(record.offset() + ": " + reason);
            return Uni.createFrom().voidItem();
        }
    }, readiness, failures -> Duration.ofMillis(1));

    private static ConsumerRecord<String, String> record(long offset, String value) {
        return new ConsumerRecord<>(TOPIC, 0, offset, "J" + offset, value);
    }

    private static String termination(String jobId) throws Exception {
        return JSON.writeValueAsString(JobTerminationRequested.of(jobId, "I1"));
    }

    private void apply(ConsumerRecord<String, String> record,
            Function<JobTerminationRequested, Uni<Void>> effect) {
        intake.apply(record, JobTerminationRequested.class, 1, effect).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void transientFailuresAreRetriedUntilTheEffectWorks() throws Exception {
        var tries = new AtomicInteger();
        apply(record(1, termination("J1")), event -> tries.incrementAndGet() <= 20
                ? Uni.createFrom().failure(new ConnectException("database away"))
                : Uni.createFrom().voidItem());
        assertEquals(21, tries.get());
        assertEquals(List.of(), setAside);
        assertEquals(Status.UP, readiness.call().getStatus());
    }

    @Test
    void readinessIsDownWhileAFailureIsRetried() throws Exception {
        var seen = new ArrayList<Status>();
        var tries = new AtomicInteger();
        apply(record(1, termination("J1")), event -> {
            seen.add(readiness.call().getStatus());
            return tries.incrementAndGet() == 1 ? Uni.createFrom().failure(new ConnectException("away"))
                    : Uni.createFrom().voidItem();
        });
        assertEquals(List.of(Status.UP,
                Status.DOWN), seen);
        assertEquals(Status.UP, readiness.call().getStatus());
    }

    @Test
    void undecodableRecordIsSetAsideWithoutTryingTheEffect() {
        var tries = new AtomicInteger();
        apply(record(7, "not json"), event -> {
            tries.incrementAndGet();
            return Uni.createFrom().voidItem();
        });
        assertEquals(0, tries.get());
        assertEquals(1, setAside.size());
        assertTrue(setAside.get(0).startsWith("7: not a JobTerminationRequested"), setAside.get(0));
    }

    @Test
    void ruleBrokenByTheEventIsSetAsideAtOnce() throws Exception {
        var tries = new AtomicInteger();
        apply(record(3, termination("J3")), event -> {
            tries.incrementAndGet();
            throw new UnprocessableEvent("breaks a rule");
        });
        assertEquals(1, tries.get());
        assertEquals(List.of("3: breaks a rule"), setAside);
    }

    @Test
    void unrecognisedFailureIsTriedALimitedNumberOfTimesThenSetAside() throws Exception {
        var tries = new AtomicInteger();
        apply(record(4, termination("J4")), event -> {
            tries.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("a bug"));
        });
        assertEquals(EventIntake.UNEXPECTED_FAILURE_TRIES, tries.get());
        assertEquals(1, setAside.size());
        assertTrue(setAside.get(0).contains("IllegalStateException: a bug"), setAside.get(0));
    }

    @Test
    void aLongOutageDoesNotUseUpTheTriesOfAnUnrecognisedFailure() throws Exception {
        var tries = new AtomicInteger();
        apply(record(5, termination("J5")), event -> {
            int attempt = tries.incrementAndGet();
            if (attempt <= 30) {
                return Uni.createFrom().failure(new ConnectException("away"));
            }
            return attempt == 31 ? Uni.createFrom().failure(new IllegalStateException("once"))
                    : Uni.createFrom().voidItem();
        });
        assertEquals(32, tries.get());
        assertEquals(List.of(), setAside);
    }

    @Test
    void batchSetsAsideOnlyTheBadRecordAndAppliesTheRest() throws Exception {
        var records = new ConsumerRecords<>(Map.of(new TopicPartition(TOPIC, 0), List.of(
                record(10, termination("J10")), record(11, "{\"truncated\":"), record(12, termination("J12")))));
        var applied = new ArrayList<String>();
        intake.applyBatch(records, JobTerminationRequested.class, 1, events -> {
            events.forEach(event -> applied.add(event.jobId()));
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of("J10", "J12"), applied);
        assertEquals(1, setAside.size());
        assertTrue(setAside.get(0).startsWith("11: "), setAside.get(0));
    }

    @Test
    void batchThatFailsForGoodIsAppliedOneAtATimeSoOnlyTheCulpritIsSetAside() throws Exception {
        var records = new ConsumerRecords<>(Map.of(new TopicPartition(TOPIC, 0), List.of(
                record(20, termination("J20")), record(21, termination("Jpoison")), record(22, termination("J22")))));
        var applied = new ArrayList<String>();
        intake.applyBatch(records, JobTerminationRequested.class, 1, events -> {
            if (events.stream().anyMatch(event -> event.jobId().equals("Jpoison"))) {
                return Uni.createFrom().failure(new UnprocessableEvent("poison"));
            }
            events.forEach(event -> applied.add(event.jobId()));
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of("J20", "J22"), applied);
        assertEquals(List.of("21: poison"), setAside);
    }
}
