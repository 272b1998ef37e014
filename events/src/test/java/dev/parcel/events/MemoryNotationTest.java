package dev.parcel.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MemoryNotationTest {

    @Test
    void unitsAreBinaryMegaAndGigabytes() {
        assertEquals(4L << 20, MemoryNotation.parseBytes("4M"));
        assertEquals(2L << 30, MemoryNotation.parseBytes("2G"));
        assertEquals(9_999_999_999L << 30, MemoryNotation.parseBytes("9999999999G"));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"0M", "12K", "-1G", "1.5G", "G", "", "4 M", "01M"}) {
            assertThrows(IllegalArgumentException.class, () -> MemoryNotation.parseBytes(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryNotation.parseBytes(null));
    }
}
