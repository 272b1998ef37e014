package dev.parcel.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * A key pair as a Parcel client holds it, signing tokens the way the client's SelfIssuedTokenProvider does:
 * ES256, {@code kid} header, {@code iss = sub = principal}, the Parcel audience, a scope, {@code iat} and {@code exp}.
 */
public final class SelfIssuedIdentity {
    public static final String PARCEL_AUDIENCE = "https://api.oasislabs.com/parcel";

    private final EllipticCurveJsonWebKey key;
    private String principal;

    public SelfIssuedIdentity() {
        try {
            key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId(UUID.randomUUID().toString());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half, as sent in {@code tokenVerifiers[].publicKey}. */
    public Map<String, Object> publicJwk() {
        return key.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** The whole key, private part included: what a careless client might send and the API must refuse. */
    public Map<String, Object> privateJwk() {
        return key.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
    }

    /** Sets the principal tokens are issued as, normally the id the API gave the identity. */
    public SelfIssuedIdentity as(String principal) {
        this.principal = principal;
        return this;
    }

    public String principal() {
        return principal;
    }

    public String token() {
        return token(PARCEL_AUDIENCE, Instant.now().plus(Duration.ofMinutes(5)));
    }

    /** Issued five minutes before expiry, like a client's short-lived token (and never after its own expiry). */
    public String token(String audience, Instant expiresAt) {
        return token(audience, expiresAt.minus(Duration.ofMinutes(5)), expiresAt);
    }

    public String token(String audience, Instant issuedAt, Instant expiresAt) {
        var claims = new JwtClaims();
        claims.setIssuer(principal);
        claims.setSubject(principal);
        claims.setAudience(audience);
        claims.setClaim("scope", "parcel.full");
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
