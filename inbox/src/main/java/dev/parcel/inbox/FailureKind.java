package dev.parcel.inbox;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * What a failure says about trying again: consumers decide by it whether to retry a record, and the edge whether to
 * answer 503 (try again) or 500. A database failure is judged by its SQLSTATE: the
 * server or the moment (transient), or the statement and its data (permanent, since the same record fails again).
 */
public enum FailureKind {
    /** A dependency is away: the same record succeeds later. */
    TRANSIENT,
    /** The record itself is at fault: trying again fails again. */
    PERMANENT,
    /** Nobody recognises it; it may be either. */
    UNKNOWN;

    /**
     * 08 connection exception, 40 transaction rollback (serialization failure, deadlock), 53 insufficient resources,
     * 57 operator intervention (shutdown, cannot connect now), 58 system error.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    public static FailureKind of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UnprocessableEvent) {
                return PERMANENT;
            }
            Optional<String> sqlState = sqlStateOf(cause);
            if (sqlState.isPresent()) {
                return ofSqlState(sqlState.get());
            }
            if (cause instanceof IOException || cause instanceof TimeoutException
                    || cause instanceof ClosedConnectionException || cause instanceof RetriableException) {
                return TRANSIENT;
            }
        }
        return UNKNOWN;
    }

    /**
     * Whether the database refused the data itself (SQLSTATE class 22: a NUL character in text, a number or date out
     * of range): what a request sent, not a fault of the service's.
     */
    public static boolean isDataException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            Optional<String> sqlState = sqlStateOf(cause);
            if (sqlState.isPresent()) {
                return sqlState.get().startsWith("22");
            }
        }
        return false;
    }

    private static Optional<String> sqlStateOf(Throwable failure) {
        if (failure instanceof DatabaseException database) {
            return Optional.ofNullable(database.getSqlState());
        }
        if (failure instanceof SQLException sql) {
            return Optional.ofNullable(sql.getSQLState());
        }
        return Optional.empty();
    }

    private static FailureKind ofSqlState(String sqlState) {
        return sqlState.length() == 5
                && (TRANSIENT_CLASSES.contains(sqlState.substring(0, 2)) || LOCK_NOT_AVAILABLE.equals(sqlState))
                ? TRANSIENT : PERMANENT;
    }
}
