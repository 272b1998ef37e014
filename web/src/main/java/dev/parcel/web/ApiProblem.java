package dev.parcel.web;

/**
 * A request the platform refuses, with a message meant for the client. The kind decides the HTTP status at the
 * edge; the message must never name internals.
 */
public final class ApiProblem extends RuntimeException {
    public enum Kind {
        INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, UNPROCESSABLE, TOO_MANY
    }

    private final Kind kind;

    private ApiProblem(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static ApiProblem invalid(String message) {
        return new ApiProblem(Kind.INVALID, message);
    }

    public static ApiProblem unauthenticated(String message) {
        return new ApiProblem(Kind.UNAUTHENTICATED, message);
    }

    public static ApiProblem forbidden(String message) {
        return new ApiProblem(Kind.FORBIDDEN, message);
    }

    public static ApiProblem notFound(String message) {
        return new ApiProblem(Kind.NOT_FOUND, message);
    }

    public static ApiProblem conflict(String message) {
        return new ApiProblem(Kind.CONFLICT, message);
    }

    /** A body larger than the route takes (413). */
    public static ApiProblem tooLarge(String message) {
        return new ApiProblem(Kind.TOO_LARGE, message);
    }

    /** Well-formed and valid, but at odds with what the request refers to (422). */
    public static ApiProblem unprocessable(String message) {
        return new ApiProblem(Kind.UNPROCESSABLE, message);
    }

    /** The caller holds as much of something as it may at once (429). */
    public static ApiProblem tooMany(String message) {
        return new ApiProblem(Kind.TOO_MANY, message);
    }

    public Kind kind() {
        return kind;
    }
}
