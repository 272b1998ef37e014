package dev.parcel.tokens;

import java.math.BigInteger;
import java.security.spec.ECFieldFp;
import java.security.spec.EllipticCurve;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/** The keys an identity may register to verify its self-issued tokens: public EC P-256 JWKs (ES256). */
public final class PublicKeys {
    /** A key id is the client's label; the published client makes a UUID (36). */
    public static final int KID_LENGTH = 256;
    /** A P-256 coordinate is 32 bytes, and RFC 7518 (6.2.1.2) wants it whole: 43 base64url characters. */
    private static final Pattern COORDINATE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** RFC 7517 (4.3)'s operations; the member may list each once. */
    private static final List<String> KEY_OPERATIONS = List.of("sign", "verify", "encrypt", "decrypt", "wrapKey",
            "unwrapKey", "deriveKey", "deriveBits");

    private PublicKeys() {
    }

    /**
     * The key as it is stored and announced: exactly the members a P-256 public key has ({@code kty}, {@code crv},
     * {@code x}, {@code y}, and the optional {@code kid}, {@code alg}, {@code use}, {@code key_ops}), each checked
     * and bounded. Other members are dropped rather than refused: keys exported as they are carry some (WebCrypto
     * adds {@code ext}, certificates add {@code x5c}), none of them says anything a token check uses, and dropping
     * them keeps such clients working while what is stored, and sent to every service, stays a few hundred bytes.
     */
    public static Map<String, Object> registrable(Map<String, Object> jwk) {
        mustBePublic(jwk);
        var kept = new LinkedHashMap<String, Object>();
        kept.put("kty", exactly(jwk, "kty", "EC", " (tokens are ES256: signed with a P-256 key)"));
        kept.put("crv", exactly(jwk, "crv", "P-256", " (tokens are ES256: signed with a P-256 key)"));
        kept.put("x", coordinate(jwk, "x"));
        kept.put("y", coordinate(jwk, "y"));
        if (jwk.get("kid") != null) {
            kept.put("kid", keyId(jwk.get("kid")));
        }
        if (jwk.get("alg") != null) {
            kept.put("alg", exactly(jwk, "alg", "ES256", " when present"));
        }
        if (jwk.get("use") != null) {
            kept.put("use", exactly(jwk, "use", "sig", " when present: the key verifies signatures"));
        }
        if (jwk.get("key_ops") != null) {
            kept.put("key_ops", keyOperations(jwk.get("key_ops")));
        }
        if (!onCurve(parse(kept))) {
            throw new InvalidPublicKey(null, "is not a point on curve P-256");
        }
        return kept;
    }

    /** Parses and checks a key; refuses private material so a client's mistake is not stored. */
    public static EllipticCurveJsonWebKey parse(Map<String, Object> jwk) {
        mustBePublic(jwk);
        JsonWebKey key;
        try {
            key = JsonWebKey.Factory.newJwk(jwk);
        } catch (JoseException | RuntimeException e) {
            throw new InvalidPublicKey(null, "is not a valid JWK");
        }
        if (!(key instanceof EllipticCurveJsonWebKey ec) || !EllipticCurves.P_256.equals(ec.getCurveName())) {
            throw new InvalidPublicKey(null, "must be an EC key on curve P-256 (ES256)");
        }
        return ec;
    }

    /** y² = x³ + ax + b (mod p): a point off the curve is no key at all, and would never verify a token. */
    private static boolean onCurve(EllipticCurveJsonWebKey key) {
        EllipticCurve curve = EllipticCurves.P256.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = key.getECPublicKey().getW().getAffineX();
        BigInteger y = key.getECPublicKey().getW().getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        return y.pow(2).mod(p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p));
    }

    private static void mustBePublic(Map<String, Object> jwk) {
        if (jwk == null || jwk.isEmpty()) {
            throw new InvalidPublicKey(null, "is required");
        }
        if (jwk.containsKey("d")) {
            throw new InvalidPublicKey("d", "is private key material; send only the public key");
        }
    }

    private static String exactly(Map<String, Object> jwk, String member, String value, String why) {
        if (!value.equals(jwk.get(member))) {
            throw new InvalidPublicKey(member, "must be \"" + value + "\"" + why);
        }
        return value;
    }

    private static String coordinate(Map<String, Object> jwk, String member) {
        if (!(jwk.get(member) instanceof String text) || !COORDINATE.matcher(text).matches()) {
            throw new InvalidPublicKey(member, "must be 43 base64url characters (a P-256 coordinate)");
        }
        return text;
    }

    private static String keyId(Object kid) {
        if (!(kid instanceof String text)) {
            throw new InvalidPublicKey("kid", "must be a string");
        }
        if (text.length() > KID_LENGTH) {
            throw new InvalidPublicKey("kid", "at most " + KID_LENGTH + " characters");
        }
        return text;
    }

    private static List<String> keyOperations(Object keyOps) {
        if (!(keyOps instanceof List<?> operations)) {
            throw new InvalidPublicKey("key_ops", "must be a list");
        }
        var seen = new HashSet<Object>();
        for (Object operation : operations) {
            if (!(operation instanceof String) || !KEY_OPERATIONS.contains(operation) || !seen.add(operation)) {
                throw new InvalidPublicKey("key_ops", "must list each of " + KEY_OPERATIONS + " at most once");
            }
        }
        return operations.stream().map(String.class::cast).toList();
    }
}
