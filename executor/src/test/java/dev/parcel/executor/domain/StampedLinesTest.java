package dev.parcel.executor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StampedLinesTest {
    private static final String T1 = "2026-12-01T06:40:35.110407929Z";
    private static final String T2 = "2026-12-01T06:40:35.2Z";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLineSplitBetweenFramesComesOutWhole() {
        var lines = new StampedLines();

        assertEquals(List.of(), lines.add("stdout", bytes(T1 + " xxxx")));
        assertEquals(List.of(new StampedLines.Line("stdout", Instant.parse(T1), "xxxxyyyy")),
                lines.add("stdout", bytes("yyyy\n")));
    }

    @Test
    void aFrameWithSeveralLinesGivesEachAndKeepsTheUnfinishedOne() {
        var lines = new StampedLines();

        assertEquals(List.of(new StampedLines.Line("stderr", Instant.parse(T1), "one"),
                new StampedLines.Line("stderr", Instant.parse(T2), "two")),
                lines.add("stderr", bytes(T1 + " one\n" + T2 + " two\n" + T2 + " thr")));
        assertEquals(List.of(new StampedLines.Line("stderr", Instant.parse(T2), "thr")), lines.rest());
        assertEquals(List.of(), lines.rest());
    }

    @Test
    void theStreamsAreCutApart() {
        var lines = new StampedLines();

        lines.add("stdout", bytes(T1 + " out-"));
        assertEquals(List.of(new StampedLines.Line("stderr", Instant.parse(T2), "err")),
                lines.add("stderr", bytes(T2 + " err\n")));
        assertEquals(List.of(new StampedLines.Line("stdout", Instant.parse(T1), "out-done")),
                lines.add("stdout", bytes("done\n")));
    }

    @Test
    void aCharacterSplitBetweenFramesIsDecodedWhole() {
        byte[] euro = bytes("€");
        var lines = new StampedLines();

        lines.add("stdout", bytes(T1 + " "));
        lines.add("stdout", new byte[] {euro[0]});
        assertEquals("€", lines.add("stdout", new byte[] {euro[1], euro[2], '\n'}).get(0).text());
    }

    @Test
    void anUnstampedLineIsKeptWithoutATime() {
        assertEquals(List.of(new StampedLines.Line("stdout", null, "no time here")),
                new StampedLines().add("stdout", bytes("no time here\n")));
    }
}
