package dev.parcel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
    private static AuthConfig trustingFor(Duration ttl) {
        return new AuthConfig() {
            @Override
            public List<String> audiences() {
                return List.of();
            }

            @Override
            public Duration clockSkew() {
                return Duration.ZERO;
            }

            @Override
            public Duration maxTokenLifetime() {
                return Duration.ofHours(24);
            }

            @Override
            public Duration verifiedTokenTtl() {
                return ttl;
            }

            @Override
            public int verifiedTokens() {
                return 100;
            }
        };
    }

    @Test
    void aVerifiedTokenProvesItsIdentityAgainUntilItExpires() {
        var tokens = new VerifiedTokens(trustingFor(Duration.ofMinutes(1)));
        Instant now = Instant.now();
        tokens.remember("token-a", "Ialice", now.plusSeconds(30));

        assertEquals(Optional.of("Ialice"), tokens.identityFor("token-a", now));
        assertTrue(tokens.identityFor("token-a", now.plusSeconds(30)).isEmpty(), "not at or past its expiry");
        assertTrue(tokens.identityFor("token-b", now).isEmpty(), "only the exact token that verified");
    }

    @Test
    void aVerifiedTokenIsForgottenAfterTheConfiguredTime() throws InterruptedException {
        var tokens = new VerifiedTokens(trustingFor(Duration.ofMillis(20)));
        tokens.remember("token-a", "Ialice", Instant.now().plusSeconds(300));

        Thread.sleep(100);

        assertTrue(tokens.identityFor("token-a", Instant.now()).isEmpty());
    }

    @Test
    void aTokenAcceptedWithinTheClockSkewAfterItsExpiryIsNotKept() {
        var tokens = new VerifiedTokens(trustingFor(Duration.ofMinutes(1)));
        Instant now = Instant.now();
        tokens.remember("token-a", "Ialice", now.minusSeconds(10));

        assertTrue(tokens.identityFor("token-a", now.minusSeconds(20)).isEmpty());
    }
}
