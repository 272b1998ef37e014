package dev.parcel.inbox;

import io.quarkus.logging.LoggingFilter;
import java.time.Duration;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * While the broker is away the connector warns once per record whose offset it could not commit (SRMSG18259): a
 * backlog handled during an outage gives a line per record, and every one says the same, since the first commit
 * after the outage covers them all. This keeps one such line per partition a minute, saying how many it stands for.
 */
@LoggingFilter(name = "parcel-commit-failures")
public final class CommitFailureFolding implements Filter {
    static final String FAILED_COMMIT = "SRMSG18259";
    private final RepeatFolding folding = new RepeatFolding(Duration.ofMinutes(1), System::nanoTime);

    @Override
    public boolean isLoggable(LogRecord record) {
        return isLoggable(record, folding);
    }

    static boolean isLoggable(LogRecord record, RepeatFolding folding) {
        String message = record.getMessage();
        if (message == null || !message.startsWith(FAILED_COMMIT)) {
            return true;
        }
        Object[] parameters = record.getParameters();
        Object partition = parameters == null || parameters.length == 0 ? "" : parameters[0];
        var heldBack = folding.pass(partition);
        if (heldBack.isEmpty()) {
            return false;
        }
        if (heldBack.getAsLong() > 0) {
            record.setMessage(message + " (" + heldBack.getAsLong()
                    + " more failed commits of this partition in the minute before were not logged)");
        }
        return true;
    }
}
