package dev.parcel.web;

import io.smallrye.mutiny.Uni;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;

/** What a service tells {@link BearerTokenFilter}: where its identities' keys are, and what needs no token. */
public interface TokenVerifiers {

    /** The identity whose tokens carry this (iss, sub), with its public JWK. */
    record Verifier(String identityId, Map<String, Object> publicKey) {
    }

    /** The verifier registered for a token's (iss, sub), or a null item when there is none. */
    Uni<Verifier> verifierFor(String issuer, String subject);

    /** The platform's key for job tokens, where this service accepts them; none by default. */
    default Optional<PublicKey> platformJobKey() {
        return Optional.empty();
    }

    /** Requests served without a token; none by default. */
    default boolean needsNoToken(String method, String path) {
        return false;
    }
}
