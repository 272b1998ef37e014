package dev.parcel.documents.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.web.TokenVerifiers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Bearer tokens are checked against the verifiers learned from IdentityRegistered (job tokens against the
 * platform's key, {@code parcel.job-tokens.verification-key}). Every route needs one.
 */
@ApplicationScoped
public class KnownTokenVerifiers implements TokenVerifiers {
    private static final TypeReference<Map<String, Object>> JWK = new TypeReference<>() {
    };

    private final KnownIdentities identities;
    private final ObjectMapper json;

    KnownTokenVerifiers(KnownIdentities identities, ObjectMapper json) {
        this.identities = identities;
        this.json = json;
    }

    @Override
    public Uni<Verifier> verifierFor(String issuer, String subject) {
        return identities.verifierFor(issuer, subject).map(found -> {
            if (found == null) {
                return null;
            }
            try {
                return new Verifier(found.identityId(), json.readValue(found.publicKeyJson(), JWK));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored public key is not JSON", e);
            }
        });
    }
}
