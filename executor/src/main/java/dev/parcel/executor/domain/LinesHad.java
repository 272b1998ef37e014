package dev.parcel.executor.domain;

import java.time.Instant;

/**
 * What was had of one log stream, so that a line read again is not kept twice. The engine stamps a stream's lines
 * in order, several often with the same time (those it read at once). A read again starts at the first line: of
 * its lines, those before the last time had were had already, and so were as many at that time as were had. The
 * engine's follow across a rotated log file repeats older lines too: those before the last time had are dropped,
 * those at it cannot be told from new ones.
 */
public final class LinesHad {
    private Instant last;
    private int atLast;
    private int toSkipAtLast;

    /** The time of the last line had; null before any. */
    public Instant last() {
        return last;
    }

    /** The stream is read again from its start. */
    public void readingAgain() {
        toSkipAtLast = atLast;
    }

    /** Whether a line stamped {@code time}, the next the stream gives, was not had yet; it is had now. */
    public boolean isNew(Instant time) {
        if (last == null || time.isAfter(last)) {
            last = time;
            atLast = 1;
            toSkipAtLast = 0;
            return true;
        }
        if (time.isBefore(last)) {
            return false;
        }
        if (toSkipAtLast > 0) {
            toSkipAtLast--;
            return false;
        }
        atLast++;
        return true;
    }
}
