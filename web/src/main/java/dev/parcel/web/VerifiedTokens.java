package dev.parcel.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Self-issued tokens whose signature already verified, with the identity they proved. A token is the exact string
 * that was verified, so while it has not expired the check would only repeat itself; entries are dropped at the
 * token's expiry or after the configured time, whichever comes first. Rejected tokens are never remembered.
 */
@ApplicationScoped
public class VerifiedTokens {
    private record Verified(String identityId, Instant expiresAt) {
    }

    private final Cache<String, Verified> verified;

    VerifiedTokens(AuthConfig config) {
        Duration ttl = config.verifiedTokenTtl();
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.verifiedTokens())
                .expireAfter(Expiry.<String, Verified>creating((token, entry) -> {
                    // A token accepted within the clock skew may be past its expiry already: then it is not kept.
                    Duration untilExpiry = Duration.between(Instant.now(), entry.expiresAt());
                    if (untilExpiry.isNegative()) {
                        return Duration.ZERO;
                    }
                    return untilExpiry.compareTo(ttl) < 0 ? untilExpiry : ttl;
                }))
                .build();
    }

    /** The identity the token proved, if it verified before and has not expired since. */
    public Optional<String> identityFor(String token, Instant now) {
        Verified entry = verified.getIfPresent(token);
        return entry != null && now.isBefore(entry.expiresAt()) ? Optional.of(entry.identityId()) : Optional.empty();
    }

    public void remember(String token, String identityId, Instant expiresAt) {
        verified.put(token, new Verified(identityId, expiresAt));
    }
}
