package dev.parcel.tokens;

/**
 * A key an identity tried to register that cannot verify tokens, or is larger than a P-256 public key needs to be.
 * The message is safe to show (a 400); it names the JWK member at fault, if one is.
 */
public final class InvalidPublicKey extends RuntimeException {
    private final String member;
    private final String reason;

    /** @param member the JWK member at fault ({@code kid}), or null when it is the key as a whole */
    public InvalidPublicKey(String member, String reason) {
        super(member == null ? reason : member + ": " + reason, null, false, false);
        this.member = member;
        this.reason = reason;
    }

    /** The problem for a key sent as {@code field}: {@code tokenVerifiers[0].publicKey.kid: at most 256 characters}. */
    public String at(String field) {
        return (member == null ? field : field + "." + member) + ": " + reason;
    }
}
