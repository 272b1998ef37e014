package dev.parcel.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The platform's job-token key pair of the test profiles, never used outside tests: the services' {@code %test}
 * configuration holds its halves ({@code parcel.job-tokens.verification-key}, the executor's signing key).
 */
public final class TestPlatformKey {
    private static final EllipticCurveJsonWebKey KEY = load();

    private TestPlatformKey() {
    }

    public static PublicKey publicKey() {
        return KEY.getPublicKey();
    }

    /** The private half, to mint job tokens as an executor would (with {@code JobTokens.mint}). */
    public static PrivateKey privateKey() {
        return KEY.getPrivateKey();
    }

    public static String keyId() {
        return KEY.getKeyId();
    }

    private static EllipticCurveJsonWebKey load() {
        try (InputStream in = TestPlatformKey.class.getResourceAsStream("/job-token-test-key.json")) {
            return (EllipticCurveJsonWebKey) JsonWebKey.Factory.newJwk(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("the test platform key is unreadable", e);
        }
    }
}
