package dev.parcel.executor.domain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the engine's log stream into whole lines. Its frames are not lines: one may hold part of a line, the rest
 * coming in the next frame of the same stream. Each whole line starts with the time the engine read it (RFC 3339)
 * and a space. Bytes are kept until their line is whole, so a character split between frames is decoded whole.
 */
public final class StampedLines {
    /** A line of a stream ({@code stdout}, {@code stderr}), without its newline; {@code time} null when unstamped. */
    public record Line(String stream, Instant time, String text) {
    }

    private final Map<String, ByteArrayOutputStream> unfinished = new LinkedHashMap<>();

    /** The lines this frame of {@code stream} finishes, in order. */
    public List<Line> add(String stream, byte[] frame) {
        var lines = new ArrayList<Line>();
        var pending = unfinished.computeIfAbsent(stream, name -> new ByteArrayOutputStream());
        int start = 0;
        for (int i = 0; i < frame.length; i++) {
            if (frame[i] == '\n') {
                pending.write(frame, start, i - start);
                lines.add(parse(stream, pending.toString(StandardCharsets.UTF_8)));
                pending.reset();
                start = i + 1;
            }
        }
        pending.write(frame, start, frame.length - start);
        return lines;
    }

    /** The unfinished lines, as they are: the stream ended without their newline. */
    public List<Line> rest() {
        var lines = new ArrayList<Line>();
        unfinished.forEach((stream, pending) -> {
            if (pending.size() > 0) {
                lines.add(parse(stream, pending.toString(StandardCharsets.UTF_8)));
                pending.reset();
            }
        });
        return lines;
    }

    static Line parse(String stream, String stamped) {
        int space = stamped.indexOf(' ');
        if (space > 0) {
            try {
                return new Line(stream, Instant.parse(stamped.substring(0, space)), stamped.substring(space + 1));
            } catch (DateTimeParseException unstamped) {
                // kept whole below
            }
        }
        return new Line(stream, null, stamped);
    }
}
