package dev.parcel.jobapi.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecFingerprintTest {
    private static final ObjectMapper CLIENT_JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static String fingerprintOf(String body) throws Exception {
        return SpecFingerprint.of(CLIENT_JSON.readValue(body, JobSpec.class));
    }

    private static JobSpec spec(Map<String, String> env, Double cpus) {
        return new JobSpec("job", "busybox", List.of("-c", "true"), env, null, null, cpus, null, null);
    }

    @Test
    void sameSpecWrittenDifferentlyHasTheSameFingerprint() throws Exception {
        String fingerprint = fingerprintOf("""
                {"name": "job", "image": "busybox", "cmd": ["-c", "true"], "env": {"A": "1", "B": "2"}, "cpus": 1}""");

        assertEquals(fingerprint, fingerprintOf("""
                {
                  "env": {"B": "2", "A": "1"},
                  "cpus": 1.0,
                  "cmd": ["-c", "true"],
                  "image": "busybox",
                  "name": "job"
                }"""), "whitespace, field order, map order and number notation do not matter");
        assertEquals(fingerprint, fingerprintOf("""
                {"name": "job", "image": "busybox", "cmd": ["-c", "true"], "env": {"A": "1", "B": "2"}, "cpus": 1,
                 "memory": null, "somethingNew": 42}"""), "nor do null fields and fields the API ignores");
    }

    @Test
    void anyDifferenceInTheJobChangesTheFingerprint() {
        String fingerprint = SpecFingerprint.of(spec(Map.of("A", "1"), 1.0));

        assertNotEquals(fingerprint, SpecFingerprint.of(spec(Map.of("A", "2"), 1.0)));
        assertNotEquals(fingerprint, SpecFingerprint.of(spec(Map.of("A", "1"), 0.5)));
        assertNotEquals(fingerprint, SpecFingerprint.of(spec(Map.of(), 1.0)));
        assertNotEquals(fingerprint, SpecFingerprint.of(new JobSpec("job", "busybox", List.of("true", "-c"),
                Map.of("A", "1"), null, null, 1.0, null, null)), "the order of cmd's arguments matters");
    }

    @Test
    void fingerprintIsSha256InHex() {
        assertEquals(64, SpecFingerprint.of(spec(null, null)).length());
        assertEquals(SpecFingerprint.of(spec(null, null)), SpecFingerprint.of(spec(null, null)));
    }
}
