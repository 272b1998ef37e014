package dev.parcel.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CommitFailureFoldingTest {
    private static final String PATTERN = "SRMSG18259: Kafka latest commit strategy failed to commit record from"
            + " topic-partition '%s' at offset %d";
    private final AtomicLong clock = new AtomicLong();
    private final RepeatFolding folding = new RepeatFolding(Duration.ofMinutes(1), clock::get);

    private static LogRecord failedCommit(String partition, long offset) {
        var record = new LogRecord(Level.WARNING, PATTERN);
        record.setParameters(new Object[] {partition, offset});
        return record;
    }

    private long logged(String partition, int records) {
        return IntStream.range(0, records)
                .filter(offset -> CommitFailureFolding.isLoggable(failedCommit(partition, offset), folding)).count();
    }

    @Test
    void anOutageOfFailedCommitsIsOneLinePerPartitionAMinute() {
        assertEquals(1, logged("t-0", 200));
        assertEquals(1, logged("t-1", 200), "each partition has its own line");

        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        var next = failedCommit("t-0", 500);

        assertTrue(CommitFailureFolding.isLoggable(next, folding));
        assertTrue(next.getMessage().endsWith("(199 more failed commits of this partition in the minute before were"
                + " not logged)"), next.getMessage());
        assertEquals(PATTERN.length(), next.getMessage().indexOf(" (199"), "the connector's own text comes first");
    }

    @Test
    void everyOtherLineIsLeftAlone() {
        var other = new LogRecord(Level.WARNING, "SRMSG18228: A failure has been reported for Kafka topics '%s'");
        other.setParameters(new Object[] {"t"});

        assertEquals(5, IntStream.range(0, 5).filter(i -> CommitFailureFolding.isLoggable(other, folding)).count());
        assertEquals("SRMSG18228: A failure has been reported for Kafka topics '%s'", other.getMessage());
    }
}
