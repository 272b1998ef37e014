package dev.parcel.jobapi.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.parcel.events.IdentityRegistered;
import dev.parcel.testkit.SelfIssuedIdentity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenVerifierRulesTest {
    private static final String ID = "I" + "x".repeat(22);
    /** A control character: JSON writes it as a six-byte escape, and no char costs more. */
    private static final char SIX_BYTE_CHAR = '\u0001';

    private static TokenVerifierRules.Requested verifier(String issuer, String subject) {
        return new TokenVerifierRules.Requested(new SelfIssuedIdentity().publicJwk(), issuer, subject);
    }

    private static String refusal(List<TokenVerifierRules.Requested> requested) {
        return assertThrows(TokenVerifierRules.Refused.class, () -> TokenVerifierRules.accept(ID, requested))
                .getMessage();
    }

    /** Sixteen verifiers, each claim and key at its bound, in the characters JSON writes largest. */
    private static List<TokenVerifierRules.Requested> largest() {
        var requested = new ArrayList<TokenVerifierRules.Requested>();
        for (int i = 0; i < TokenVerifierRules.VERIFIERS; i++) {
            var key = new HashMap<>(new SelfIssuedIdentity().publicJwk());
            key.put("kid", String.valueOf(SIX_BYTE_CHAR).repeat(256));
            key.put("alg", "ES256");
            key.put("use", "sig");
            key.put("key_ops", List.of("sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey",
                    "deriveBits"));
            String claim = String.format("%02d", i) + String.valueOf(SIX_BYTE_CHAR)
                    .repeat(TokenVerifierRules.CLAIM_LENGTH - 2);
            requested.add(new TokenVerifierRules.Requested(key, claim, claim));
        }
        return requested;
    }

    @Test
    void largestIdentitysEventTakesAtMostHalfAKafkaRecord() throws Exception {
        var json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        var event = IdentityRegistered.of(ID, TokenVerifierRules.accept(ID, largest()).stream()
                .map(v -> new IdentityRegistered.TokenVerifier(v.issuer(), v.subject(), v.publicKey())).toList());

        int bytes = json.writeValueAsBytes(event).length;
        System.out.printf("largest valid identity: IdentityRegistered %,d bytes%n", bytes);

        assertTrue(bytes <= 1_048_576 / 2, bytes + " bytes");
    }

    @Test
    void claimsDefaultToTheIdentitysId() {
        var accepted = TokenVerifierRules.accept(ID, List.of(verifier(null, " ")));
        assertEquals(ID, accepted.get(0).issuer());
        assertEquals(ID, accepted.get(0).subject());
    }

    @Test
    void anIdentityHasOneToSixteenVerifiers() {
        assertEquals("tokenVerifiers: must list at least one verifier", refusal(List.of()));
        var seventeen = new ArrayList<>(largest());
        seventeen.add(verifier("one", "more"));
        assertEquals("tokenVerifiers: at most 16 verifiers", refusal(seventeen));
    }

    @Test
    void issuerAndSubjectHaveAtMost256Characters() {
        assertEquals(16, TokenVerifierRules.accept(ID, largest()).size());
        assertEquals("tokenVerifiers[1].iss: at most 256 characters",
                refusal(List.of(verifier("a", "b"), verifier("x".repeat(257), "b"))));
        assertEquals("tokenVerifiers[0].sub: at most 256 characters", refusal(List.of(verifier(null,
                "x".repeat(257)))));
    }

    @Test
    void thePlatformsIssuerIsReserved() {
        assertEquals("tokenVerifiers[0].iss: \"parcel-platform\" is reserved for the platform's job tokens",
                refusal(List.of(verifier("parcel-platform", "Ivictim"))));
    }

    @Test
    void anIssuerAndSubjectPairAppearsOnce() {
        assertEquals("tokenVerifiers[1]: the same (iss, sub) pair as an earlier verifier",
                refusal(List.of(verifier(null, null), verifier(ID, ID))));
    }

    @Test
    void keyProblemsNameTheVerifierAndMember() {
        var key = new HashMap<>(new SelfIssuedIdentity().publicJwk());
        key.put("kid", "k".repeat(257));
        var requested = new ArrayList<TokenVerifierRules.Requested>();
        requested.add(verifier("a", "b"));
        requested.add(null);
        assertEquals("tokenVerifiers[1]: must be an object", refusal(requested));
        assertEquals("tokenVerifiers[0].publicKey.kid: at most 256 characters",
                refusal(List.of(new TokenVerifierRules.Requested(key, null, null))));
    }

    @Test
    void theAcceptedKeyIsTheCleanedOne() {
        var key = new HashMap<String, Object>(new SelfIssuedIdentity().publicJwk());
        key.put("extra", "x".repeat(2 << 20));

        var kept = TokenVerifierRules.accept(ID, List.of(new TokenVerifierRules.Requested(key, null, null)))
                .get(0).publicKey();

        key.remove("extra");
        assertEquals(key, kept);
    }
}
