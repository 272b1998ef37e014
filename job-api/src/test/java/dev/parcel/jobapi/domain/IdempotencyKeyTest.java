package dev.parcel.jobapi.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

    @Test
    void keyOfOneTo255PrintableAsciiCharactersIsAccepted() {
        for (String key : new String[] {"a", "3f1c2a9e-8d4b-4f5e-9a7b-1c2d3e4f5a6b", "retry #2: {x}", "~".repeat(255)}) {
            assertEquals(Optional.empty(), IdempotencyKey.problemWith(key), key);
            assertEquals(key, new IdempotencyKey(key).value());
        }
    }

    @Test
    void emptyOrOverlongKeyIsRefusedNamingTheHeader() {
        for (String key : new String[] {"", "k".repeat(256)}) {
            assertEquals(Optional.of("Idempotency-Key: must have 1 to 255 characters"),
                    IdempotencyKey.problemWith(key));
        }
    }

    @Test
    void controlAndNonAsciiCharactersAreRefusedNamingTheHeader() {
        for (String key : new String[] {"tab\there", "new\nline", "nul\u0000", "del\u007f", "caf\u00e9", "\u2603"}) {
            assertTrue(IdempotencyKey.problemWith(key).orElseThrow().startsWith("Idempotency-Key: "), key);
            assertThrows(IllegalArgumentException.class, () -> new IdempotencyKey(key));
        }
    }
}
