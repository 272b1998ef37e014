package dev.parcel.executor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LinesHadTest {
    private static final Instant T1 = Instant.parse("2026-12-01T06:44:07.100Z");
    private static final Instant T2 = Instant.parse("2026-12-01T06:44:07.200Z");
    private static final Instant T3 = Instant.parse("2026-12-01T06:44:07.300Z");

    private static List<Boolean> read(LinesHad had, Instant... times) {
        return Stream.of(times).map(had::isNew).toList();
    }

    @Test
    void linesOfTheSameTimeAreAllKept() {
        assertEquals(List.of(true, true, true, true), read(new LinesHad(), T1, T2, T2, T2));
    }

    @Test
    void readingAgainKeepsOnlyWhatComesAfterWhatWasHad() {
        var had = new LinesHad();
        read(had, T1, T2, T2);

        had.readingAgain();

        assertEquals(List.of(false, false, false, true, true, true), read(had, T1, T2, T2, T2, T3, T3));
        assertEquals(T3, had.last());
    }

    @Test
    void olderLinesRepeatedWithinOneReadAreDropped() {
        assertEquals(List.of(true, true, false, false, true), read(new LinesHad(), T1, T2, T1, T1, T3));
    }
}
