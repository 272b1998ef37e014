package dev.parcel.jobapi.domain;

import java.util.Optional;

/**
 * A client's name for one submission, sent as the {@value #HEADER} header: a retry under the same name gets the job
 * the first request made instead of a second one. It is stored and compared verbatim, so it is kept to short,
 * printable ASCII: nothing a log, a header or a database column could mangle.
 */
public record IdempotencyKey(String value) {
    public static final String HEADER = "Idempotency-Key";
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        problemWith(value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** Why {@code value} cannot be a key, naming the header; empty when it can. */
    public static Optional<String> problemWith(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return Optional.of(HEADER + ": must have 1 to " + MAX_LENGTH + " characters");
        }
        if (!value.chars().allMatch(c -> c >= ' ' && c <= '~')) {
            return Optional.of(HEADER + ": may only contain printable ASCII characters");
        }
        return Optional.empty();
    }
}
