package dev.parcel.tokens;

import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Verification of the self-issued tokens Parcel clients sign: ES256 only, {@code iss} and {@code sub} naming a
 * registered verifier, an accepted audience, and an expiry in the future (with some clock skew allowed).
 */
public final class SelfIssuedTokens {
    private SelfIssuedTokens() {
    }

    /** Who a token claims to be, read before its signature is checked, to find the key that must have signed it. */
    public record Claimant(String issuer, String subject) {
    }

    public static Claimant claimant(String token) {
        try {
            JwtClaims claims = new JwtConsumerBuilder()
                    .setSkipAllValidators()
                    .setDisableRequireSignature()
                    .setSkipSignatureVerification()
                    .build()
                    .processToClaims(token);
            String issuer = claims.getIssuer();
            String subject = claims.getSubject();
            if (issuer == null || subject == null) {
                throw new TokenRejected("the bearer token must carry iss and sub claims");
            }
            return new Claimant(issuer, subject);
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new TokenRejected("the bearer token is not a well-formed JWT");
        }
    }

    /** Checks signature, audience and expiry; returns the token's expiry when the token is good. */
    public static Instant verify(String token, PublicKey key, Claimant claimant, Collection<String> audiences,
            Duration clockSkew, Duration maxLifetime, Instant now) {
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setVerificationKey(key)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                    .setExpectedIssuer(claimant.issuer())
                    .setExpectedSubject(claimant.subject())
                    .setExpectedAudience(audiences.toArray(String[]::new))
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setAllowedClockSkewInSeconds((int) clockSkew.toSeconds())
                    .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
                    .build()
                    .processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new TokenRejected(reason(e));
        }
        try {
            Instant issuedAt = Instant.ofEpochSecond(claims.getIssuedAt().getValue());
            Instant expiresAt = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
            if (issuedAt.isAfter(now.plus(clockSkew))) {
                throw new TokenRejected("the bearer token is issued in the future (iat)");
            }
            // Clients date iat back by about the clock skew (the Parcel client by two minutes), so that much more.
            Duration longest = maxLifetime.plus(clockSkew);
            if (Duration.between(issuedAt, expiresAt).compareTo(longest) > 0) {
                throw new TokenRejected("the bearer token lives longer than this API accepts: exp - iat may be at"
                        + " most " + longest.toSeconds() + " s");
            }
            return expiresAt;
        } catch (MalformedClaimException e) {
            throw new TokenRejected("the bearer token's iat and exp must be numbers");
        }
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "the bearer token has expired";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_INVALID)
                || e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.AUDIENCE_MISSING)) {
            return "the bearer token is not meant for this API (audience)";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.EXPIRATION_MISSING)) {
            return "the bearer token has no expiry (exp)";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.ISSUED_AT_MISSING)) {
            return "the bearer token has no issue time (iat)";
        }
        if (e.hasErrorCode(org.jose4j.jwt.consumer.ErrorCodes.SIGNATURE_INVALID)) {
            return "the bearer token's signature does not verify with the identity's registered key";
        }
        return "the bearer token is not valid (it must be an ES256 JWT with iss, sub, aud, iat and exp)";
    }
}
