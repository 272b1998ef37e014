package dev.parcel.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureKindTest {
    private static DatabaseException database(String sqlState) {
        return new DatabaseException("from the server", 0, sqlState) {
        };
    }

    @Test
    void databaseAwayOrBusyIsTransient() {
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("57P01")), "admin shutdown");
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("08006")), "connection failure");
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("40001")), "serialization failure");
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("40P01")), "deadlock");
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("55P03")), "lock not available");
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(database("53300")), "too many connections");
    }

    @Test
    void statementAtFaultIsPermanent() {
        assertEquals(FailureKind.PERMANENT, FailureKind.of(database("23505")), "unique violation");
        assertEquals(FailureKind.PERMANENT, FailureKind.of(database("22001")), "value too long");
        assertEquals(FailureKind.PERMANENT, FailureKind.of(database("42P01")), "undefined table");
    }

    @Test
    void connectionLossIsTransientWhereverItIsWrapped() {
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(new CompletionException(new ConnectException("refused"))));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(new IllegalStateException("wrapped",
                ClosedConnectionException.INSTANCE)));
        assertEquals(FailureKind.TRANSIENT, FailureKind.of(
                new org.apache.kafka.common.errors.TimeoutException("broker away")));
    }

    @Test
    void unrecognisedFailuresAreUnknown() {
        assertEquals(FailureKind.UNKNOWN, FailureKind.of(new NullPointerException()));
        assertEquals(FailureKind.UNKNOWN, FailureKind.of(new IllegalStateException("a bug")));
    }

    @Test
    void unprocessableEventIsPermanentWhereverItIsWrapped() {
        assertEquals(FailureKind.PERMANENT, FailureKind.of(new UnprocessableEvent("bad")));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(new RuntimeException(new UnprocessableEvent("bad"))));
    }

    @Test
    void pausesDoubleUpToTenSeconds() {
        assertEquals(Duration.ofMillis(100), EventIntake.pauseAfter(0));
        assertEquals(Duration.ofMillis(200), EventIntake.pauseAfter(1));
        assertEquals(Duration.ofSeconds(10), EventIntake.pauseAfter(7));
        assertEquals(Duration.ofSeconds(10), EventIntake.pauseAfter(1_000));
    }
}
