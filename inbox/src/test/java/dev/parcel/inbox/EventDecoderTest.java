package dev.parcel.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.parcel.events.JobTerminationRequested;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
    /** Configured as Quarkus configures the services' mapper. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static String event(int version) throws Exception {
        var event = JobTerminationRequested.of("J1", "I1");
        return JSON.writeValueAsString(event).replace("\"version\":1", "\"version\":" + version);
    }

    @Test
    void knownVersionDecodes() throws Exception {
        var decoded = EventDecoder.decode(JSON, event(1), JobTerminationRequested.class,
                JobTerminationRequested.VERSION);
        assertEquals("J1", decoded.jobId());
    }

    @Test
    void fieldsAddedWithinAVersionAreIgnored() throws Exception {
        String withExtra = event(1).replaceFirst("\\{", "{\"addedLater\":[1,2],");
        assertEquals("J1", EventDecoder.decode(JSON, withExtra, JobTerminationRequested.class, 1).jobId());
    }

    @Test
    void unknownVersionIsUnprocessable() throws Exception {
        var refused = assertThrows(UnprocessableEvent.class,
                () -> EventDecoder.decode(JSON, event(99), JobTerminationRequested.class, 1));
        assertTrue(refused.getMessage().contains("version 99"), refused.getMessage());
    }

    @Test
    void missingVersionIsUnprocessable() throws Exception {
        String unversioned = event(1).replace("\"version\":1,", "");
        assertThrows(UnprocessableEvent.class,
                () -> EventDecoder.decode(JSON, unversioned, JobTerminationRequested.class, 1));
    }

    @Test
    void garbageIsUnprocessable() {
        for (String garbage : new String[] {"not json", "{\"truncated\":", "null", "[]", "42", ""}) {
            assertThrows(UnprocessableEvent.class,
                    () -> EventDecoder.decode(JSON, garbage, JobTerminationRequested.class, 1), garbage);
        }
        assertThrows(UnprocessableEvent.class,
                () -> EventDecoder.decode(JSON, null, JobTerminationRequested.class, 1));
    }

    @Test
    void eventWithoutItsKeyIsUnprocessable() throws Exception {
        String keyless = event(1).replace("\"jobId\":\"J1\"", "\"jobId\":null");
        assertThrows(UnprocessableEvent.class,
                () -> EventDecoder.decode(JSON, keyless, JobTerminationRequested.class, 1));
    }
}
