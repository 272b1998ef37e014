package dev.parcel.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A new identity and the keys that may sign its self-issued tokens; lets every service verify tokens. */
public record IdentityRegistered(
        UUID eventId, Instant occurredAt, int version, String identityId, List<TokenVerifier> tokenVerifiers)
        implements ParcelEvent {

    public static final int VERSION = 1;

    /** A public key (a JWK) with the issuer and subject its tokens must carry. */
    public record TokenVerifier(String iss, String sub, Map<String, Object> publicKey) {
    }

    public static IdentityRegistered of(String identityId, List<TokenVerifier> tokenVerifiers) {
        return new IdentityRegistered(UUID.randomUUID(), Instant.now(), VERSION, identityId, tokenVerifiers);
    }

    @Override
    public String key() {
        return identityId;
    }
}
