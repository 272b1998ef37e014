package dev.parcel.tokens;

import java.util.Map;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/** The keys an identity may register to verify its self-issued tokens: public EC P-256 JWKs (ES256). */
public final class PublicKeys {
    private PublicKeys() {
    }

    /** Parses and checks a registered key; refuses private material so a client's mistake is not stored. */
    public static EllipticCurveJsonWebKey parse(Map<String, Object> jwk) {
        if (jwk == null || jwk.isEmpty()) {
            throw new InvalidPublicKey("tokenVerifiers[].publicKey is required");
        }
        if (jwk.containsKey("d")) {
            throw new InvalidPublicKey("tokenVerifiers[].publicKey contains private key material (\"d\");"
                    + " send only the public key");
        }
        JsonWebKey key;
        try {
            key = JsonWebKey.Factory.newJwk(jwk);
        } catch (JoseException | RuntimeException e) {
            throw new InvalidPublicKey("tokenVerifiers[].publicKey is not a valid JWK");
        }
        if (!(key instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())) {
            throw new InvalidPublicKey("tokenVerifiers[].publicKey must be an EC key on curve P-256 (ES256)");
        }
        return ec;
    }
}
