package dev.parcel.tokens;

/** A key an identity tried to register that cannot verify tokens; the message is safe to show (a 400). */
public final class InvalidPublicKey extends RuntimeException {
    public InvalidPublicKey(String message) {
        super(message, null, false, false);
    }
}
