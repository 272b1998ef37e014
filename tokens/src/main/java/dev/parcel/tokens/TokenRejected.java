package dev.parcel.tokens;

/** A bearer token that does not prove who it claims; the message is safe to show the caller (a 401). */
public final class TokenRejected extends RuntimeException {
    public TokenRejected(String message) {
        super(message, null, false, false);
    }
}
