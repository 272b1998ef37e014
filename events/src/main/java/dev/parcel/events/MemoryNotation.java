package dev.parcel.events;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parcel's memory notation, as in {@link JobSpec#memory()}: a positive integer and a unit, {@code M} or {@code G}
 * (binary units, as Docker reads them).
 */
public final class MemoryNotation {
    private static final Pattern NOTATION = Pattern.compile("([1-9][0-9]{0,9})([MG])");

    private MemoryNotation() {
    }

    public static long parseBytes(String notation) {
        Matcher matcher = NOTATION.matcher(notation == null ? "" : notation.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("memory must be a positive integer followed by M or G: " + notation);
        }
        return Long.parseLong(matcher.group(1)) << (matcher.group(2).equals("G") ? 30 : 20);
    }
}
