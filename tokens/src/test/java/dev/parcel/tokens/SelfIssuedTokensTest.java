package dev.parcel.tokens;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parcel.testkit.SelfIssuedIdentity;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfIssuedTokensTest {
    private static final List<String> AUDIENCES = List.of(SelfIssuedIdentity.PARCEL_AUDIENCE);
    private static final Duration SKEW = Duration.ofMinutes(2);
    private static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private final SelfIssuedIdentity alice = new SelfIssuedIdentity().as("Ialice");

    private PublicKey aliceKey() {
        return PublicKeys.parse(alice.publicJwk()).getPublicKey();
    }

    private void verify(String token, PublicKey key) {
        var claimant = SelfIssuedTokens.claimant(token);
        SelfIssuedTokens.verify(token, key, claimant, AUDIENCES, SKEW, MAX_LIFETIME, Instant.now());
    }

    private static String reason(Runnable check) {
        return assertThrows(TokenRejected.class, check::run).getMessage();
    }

    @Test
    void tokenSignedByTheRegisteredKeyIsAccepted() {
        var token = alice.token();
        assertEquals(new SelfIssuedTokens.Claimant("Ialice", "Ialice"), SelfIssuedTokens.claimant(token));
        assertDoesNotThrow(() -> verify(token, aliceKey()));
    }

    @Test
    void anAcceptedTokenTellsWhenItExpires() {
        Instant expiry = Instant.now().plusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var token = alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, expiry);
        assertEquals(expiry, SelfIssuedTokens.verify(token, aliceKey(), SelfIssuedTokens.claimant(token), AUDIENCES,
                SKEW, MAX_LIFETIME, Instant.now()));
    }

    @Test
    void aTokenLivesAtMostTheLongestLifetimeAndIsNotIssuedInTheFuture() {
        Instant now = Instant.now();
        // The Parcel client dates iat two minutes back: a token of the longest lifetime it asks for still passes.
        assertDoesNotThrow(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, now.minus(SKEW),
                now.plus(MAX_LIFETIME)), aliceKey()));
        assertEquals("the bearer token lives longer than this API accepts: exp - iat may be at most 86520 s",
                reason(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, now.minus(SKEW),
                        now.plus(MAX_LIFETIME).plusSeconds(1)), aliceKey())));
        assertEquals("the bearer token lives longer than this API accepts: exp - iat may be at most 86520 s",
                reason(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, now.minus(Duration.ofDays(400)),
                        now.plus(Duration.ofDays(3650))), aliceKey())));
        assertEquals("the bearer token is issued in the future (iat)",
                reason(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, now.plus(Duration.ofMinutes(5)),
                        now.plus(Duration.ofMinutes(10))), aliceKey())));
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() {
        var mallory = new SelfIssuedIdentity().as("Ialice");
        assertEquals("the bearer token's signature does not verify with the identity's registered key",
                reason(() -> verify(mallory.token(), aliceKey())));
    }

    @Test
    void expiredTokenIsRefusedOutsideTheClockSkew() {
        assertEquals("the bearer token has expired",
                reason(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE,
                        Instant.now().minus(Duration.ofMinutes(3))), aliceKey())));
        assertDoesNotThrow(() -> verify(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE,
                Instant.now().minus(Duration.ofMinutes(1))), aliceKey()), "within two minutes of skew");
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        assertEquals("the bearer token is not meant for this API (audience)",
                reason(() -> verify(alice.token("https://elsewhere.example", Instant.now().plusSeconds(60)),
                        aliceKey())));
    }

    @Test
    void garbageIsNotAToken() {
        assertEquals("the bearer token is not a well-formed JWT", reason(() -> SelfIssuedTokens.claimant("abc.def")));
    }

    @Test
    void privateKeyMaterialIsRefusedAtRegistration() {
        assertThrows(InvalidPublicKey.class, () -> PublicKeys.parse(alice.privateJwk()));
    }

    @Test
    void onlyP256KeysCanBeRegistered() {
        var rsa = java.util.Map.<String, Object>of("kty", "RSA", "n", "sXch", "e", "AQAB");
        assertThrows(InvalidPublicKey.class, () -> PublicKeys.parse(rsa));
    }
}
