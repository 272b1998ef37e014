package dev.parcel.events.jobspec;

import java.time.Duration;
import java.util.regex.Pattern;

/** A job's own time limit as its spec writes it: a whole number of seconds, minutes or hours ({@code 90s}). */
public final class JobTimeout {
    public static final String RULE = "must be a whole number of seconds, minutes or hours, such as 90s, 30m or 2h";
    private static final Pattern NOTATION = Pattern.compile("([1-9][0-9]{0,6})([smh])");

    private JobTimeout() {
    }

    /** The duration, or an {@link IllegalArgumentException} saying {@link #RULE}. */
    public static Duration parse(String notation) {
        var matcher = notation == null ? null : NOTATION.matcher(notation);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException(RULE);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
