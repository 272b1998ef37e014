package dev.parcel.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void jobScheduledSurvivesAJsonRoundTrip() throws Exception {
        var spec = new JobSpec("hello", "busybox", List.of("-c", "echo hi"), Map.of("A", "1"), null, null, 8.0,
                "16G", null);
        var event = JobScheduled.of("J1", 1, "worker-1", "I1", 2.0, 1L << 30, spec);

        String wire = json.writeValueAsString(event);

        assertEquals(event, json.readValue(wire, JobScheduled.class));
        assertTrue(wire.contains("\"occurredAt\":\"20"), "timestamps travel as ISO-8601 text: " + wire);
        assertTrue(wire.contains("\"version\":1"), wire);
    }

    @Test
    void aVersionOneHeartbeatReadsAsNotDraining() throws Exception {
        String wire = json.writeValueAsString(WorkerHeartbeat.of("w1", 2, 1, 1, 1).asDraining())
                .replace(",\"draining\":true", "").replace("\"version\":2", "\"version\":1");

        var heartbeat = json.readValue(wire, WorkerHeartbeat.class);

        assertEquals(1, heartbeat.version());
        assertEquals(false, heartbeat.draining(), wire);
    }

    @Test
    void eventsAreKeyedByTheirAggregate() {
        assertEquals("J7", JobSubmitted.of("J7", "I1", null).key());
        assertEquals("w1", WorkerHeartbeat.of("w1", 2, 1, 1, 1).key());
        assertEquals("I3", IdentityRegistered.of("I3", List.of()).key());
    }

    @Test
    void aCompletedJobHasATerminalPhase() {
        assertThrows(IllegalArgumentException.class, () -> JobCompleted.of("J1", 1, "w", JobPhase.Running,
                JobReason.Completed, 0, "", List.of(), null, java.time.Instant.now()));
    }

    @Test
    void aVersionOneCompletionReadsWithoutReasonOrTimes() throws Exception {
        var now = java.time.Instant.now();
        var event = JobCompleted.of("J1", 1, "w1", JobPhase.Failed, JobReason.Error, 3, "command failed with exit"
                + " code 3", List.of(), now.minusSeconds(2), now);
        String wire = json.writeValueAsString(event);
        assertEquals(event, json.readValue(wire, JobCompleted.class));

        var old = json.readValue(wire.replaceAll(",\"(reason|startedAt|finishedAt)\":(\"[^\"]*\"|null)", "")
                .replace("\"version\":2", "\"version\":1"), JobCompleted.class);

        assertEquals(1, old.version());
        assertEquals(null, old.reason());
        assertEquals(null, old.startedAt());
        assertEquals(3, old.exitCode());
    }
}
