package dev.parcel.jobapi.domain;

import dev.parcel.tokens.InvalidPublicKey;
import dev.parcel.tokens.JobTokens;
import dev.parcel.tokens.PublicKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * What an identity may register to verify its tokens. Everything registered is stored and announced to every service
 * in one IdentityRegistered, so each part is bounded: with every bound reached the event stays far below a Kafka
 * record's 1 MiB (TokenVerifierRulesTest measures it).
 */
public final class TokenVerifierRules {
    /** Enough for a key in use and a few being rotated in or out. */
    public static final int VERIFIERS = 16;
    /** {@code iss} and {@code sub}, each. */
    public static final int CLAIM_LENGTH = 256;

    private TokenVerifierRules() {
    }

    /** A verifier as requested; a null or blank issuer or subject stands for the identity's own id. */
    public record Requested(Map<String, Object> publicKey, String issuer, String subject) {
    }

    /** A verifier as stored and announced: both claims set, the key cut down to a P-256 public key's members. */
    public record Accepted(String issuer, String subject, Map<String, Object> publicKey) {
    }

    /** A request that breaks a rule; the message names the field and is safe to show (a 400). */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The verifiers to store for a new identity, or {@link Refused} naming the first field that breaks a rule. */
    public static List<Accepted> accept(String identityId, List<Requested> requested) {
        if (requested == null || requested.isEmpty()) {
            throw new Refused("tokenVerifiers: must list at least one verifier");
        }
        if (requested.size() > VERIFIERS) {
            throw new Refused("tokenVerifiers: at most " + VERIFIERS + " verifiers");
        }
        var accepted = new ArrayList<Accepted>();
        var pairs = new HashSet<List<String>>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "tokenVerifiers[" + i + "]";
            Requested request = requested.get(i);
            if (request == null) {
                throw new Refused(field + ": must be an object");
            }
            String issuer = claim(field + ".iss", request.issuer(), identityId);
            String subject = claim(field + ".sub", request.subject(), identityId);
            if (JobTokens.ISSUER.equals(issuer)) {
                throw new Refused(field + ".iss: \"" + JobTokens.ISSUER + "\" is reserved for the platform's job"
                        + " tokens");
            }
            if (!pairs.add(List.of(issuer, subject))) {
                throw new Refused(field + ": the same (iss, sub) pair as an earlier verifier");
            }
            try {
                accepted.add(new Accepted(issuer, subject, PublicKeys.registrable(request.publicKey())));
            } catch (InvalidPublicKey invalid) {
                throw new Refused(invalid.at(field + ".publicKey"));
            }
        }
        return accepted;
    }

    private static String claim(String field, String value, String identityId) {
        if (value == null || value.isBlank()) {
            return identityId;
        }
        if (value.length() > CLAIM_LENGTH) {
            throw new Refused(field + ": at most " + CLAIM_LENGTH + " characters");
        }
        return value;
    }
}
