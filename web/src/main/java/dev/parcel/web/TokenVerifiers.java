package dev.parcel.web;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/** What a service tells {@link BearerTokenFilter}: where its identities' keys are, and what needs no token. */
public interface TokenVerifiers {

    /** The identity whose tokens carry this (iss, sub), with its public JWK. */
    record Verifier(String identityId, Map<String, Object> publicKey) {
    }

    /** The verifier registered for a token's (iss, sub), or a null item when there is none. */
    Uni<Verifier> verifierFor(String issuer, String subject);

    /** Requests served without a token; none by default. */
    default boolean needsNoToken(String method, String path) {
        return false;
    }
}
