package dev.parcel.documents.domain;

/**
 * Three-valued logic for conditions. A selector that cannot be evaluated in this context (a {@code job.*} selector
 * on a direct download) is {@link #UNKNOWN}, and negating it keeps it unknown, so no combination of operators can
 * turn "not inside a job" into access. Only {@link #TRUE} grants.
 */
public enum Truth {
    TRUE, FALSE, UNKNOWN;

    public static Truth of(boolean value) {
        return value ? TRUE : FALSE;
    }

    public Truth not() {
        return switch (this) {
            case TRUE -> FALSE;
            case FALSE -> TRUE;
            case UNKNOWN -> UNKNOWN;
        };
    }

    public Truth and(Truth other) {
        if (this == FALSE || other == FALSE) {
            return FALSE;
        }
        return this == TRUE && other == TRUE ? TRUE : UNKNOWN;
    }

    public Truth or(Truth other) {
        if (this == TRUE || other == TRUE) {
            return TRUE;
        }
        return this == FALSE && other == FALSE ? FALSE : UNKNOWN;
    }
}
