package dev.parcel.tokens;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parcel.testkit.SelfIssuedIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
    private final SelfIssuedIdentity alice = new SelfIssuedIdentity().as("Ialice");

    /** What the published client registers: Node's JWK export with {@code alg}, {@code use} and a UUID {@code kid}. */
    private Map<String, Object> asTheParcelClientSendsIt() {
        var jwk = new LinkedHashMap<>(alice.publicJwk());
        jwk.put("kid", "3f1c2a4e-8f4b-4a55-9a1e-0d6c2b7e9f10");
        jwk.put("alg", "ES256");
        jwk.put("use", "sig");
        return jwk;
    }

    private Map<String, Object> with(String member, Object value) {
        var jwk = new HashMap<>(asTheParcelClientSendsIt());
        jwk.put(member, value);
        return jwk;
    }

    private static String problem(Map<String, Object> jwk) {
        return assertThrows(InvalidPublicKey.class, () -> PublicKeys.registrable(jwk)).at("publicKey");
    }

    @Test
    void whatTheParcelClientSendsIsKeptWhole() {
        assertEquals(asTheParcelClientSendsIt(), PublicKeys.registrable(asTheParcelClientSendsIt()));
    }

    @Test
    void unknownMembersAreDropped() {
        var jwk = with("ext", true);
        jwk.put("x5c", List.of("x".repeat(2 << 20)));
        jwk.put("key_ops", List.of("verify"));

        var kept = PublicKeys.registrable(jwk);

        assertEquals(List.of("kty", "crv", "x", "y", "kid", "alg", "use", "key_ops"), List.copyOf(kept.keySet()));
    }

    @Test
    void aKeptKeyStillVerifiesTheIdentitysTokens() {
        String token = alice.token();
        var key = PublicKeys.parse(PublicKeys.registrable(with("ext", true))).getPublicKey();

        assertDoesNotThrow(() -> SelfIssuedTokens.verify(token, key, SelfIssuedTokens.claimant(token),
                List.of(SelfIssuedIdentity.PARCEL_AUDIENCE), Duration.ofMinutes(2), Duration.ofHours(24), Instant.now()));
    }

    @Test
    void privateKeyMaterialIsRefused() {
        assertEquals("publicKey.d: is private key material; send only the public key", problem(alice.privateJwk()));
    }

    @Test
    void onlyEcKeysOnP256AreRegistrable() {
        assertEquals("publicKey.kty: must be \"EC\" (tokens are ES256: signed with a P-256 key)",
                problem(Map.of("kty", "RSA", "n", "sXch", "e", "AQAB")));
        assertEquals("publicKey.crv: must be \"P-256\" (tokens are ES256: signed with a P-256 key)",
                problem(with("crv", "P-384")));
        assertEquals("publicKey: is required", problem(Map.of()));
    }

    @Test
    void coordinatesAreExactly43Base64urlCharacters() {
        String x = (String) alice.publicJwk().get("x");
        for (Object bad : new Object[] {x + "A", x.substring(1), x.substring(1) + "=", x.substring(1) + "+", 42}) {
            assertEquals("publicKey.x: must be 43 base64url characters (a P-256 coordinate)", problem(with("x", bad)));
        }
        assertEquals("publicKey.y: must be 43 base64url characters (a P-256 coordinate)", problem(with("y", null)));
    }

    @Test
    void aPointThatIsNoP256KeyIsRefused() {
        String x = (String) alice.publicJwk().get("x");
        assertEquals("publicKey: is not a point on curve P-256", problem(with("x", "_".repeat(43))));
        assertEquals("publicKey: is not a point on curve P-256", problem(with("y", x)));
    }

    @Test
    void kidHasAtMost256Characters() {
        assertEquals("x".repeat(256), PublicKeys.registrable(with("kid", "x".repeat(256))).get("kid"));
        assertEquals("publicKey.kid: at most 256 characters", problem(with("kid", "x".repeat(257))));
        assertEquals("publicKey.kid: must be a string", problem(with("kid", 7)));
    }

    @Test
    void algAndUseWhenPresentSayEs256Signatures() {
        assertEquals("publicKey.alg: must be \"ES256\" when present", problem(with("alg", "RS256")));
        assertEquals("publicKey.use: must be \"sig\" when present: the key verifies signatures",
                problem(with("use", "enc")));
    }

    @Test
    void keyOpsListEachKnownOperationAtMostOnce() {
        var all = List.of("sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits");
        assertEquals(all, PublicKeys.registrable(with("key_ops", all)).get("key_ops"));
        for (Object bad : new Object[] {List.of("verify", "verify"), List.of("fly"), java.util.Arrays.asList(
                (Object) null), "verify"}) {
            assertEquals(bad instanceof List ? "publicKey.key_ops: must list each of " + all + " at most once"
                    : "publicKey.key_ops: must be a list", problem(with("key_ops", bad)), String.valueOf(bad));
        }
    }
}
