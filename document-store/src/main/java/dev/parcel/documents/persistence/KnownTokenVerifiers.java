package dev.parcel.documents.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.documents.config.JobTokenConfig;
import dev.parcel.tokens.PublicKeys;
import dev.parcel.web.TokenVerifiers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens are checked against the verifiers learned from IdentityRegistered, and job tokens against the
 * platform's key. Every route needs one.
 */
@ApplicationScoped
public class KnownTokenVerifiers implements TokenVerifiers {
    private static final TypeReference<Map<String, Object>> JWK = new TypeReference<>() {
    };

    private final KnownIdentities identities;
    private final ObjectMapper json;
    private final Optional<PublicKey> platformJobKey;

    KnownTokenVerifiers(KnownIdentities identities, ObjectMapper json, JobTokenConfig jobTokens)
            throws JsonProcessingException {
        this.identities = identities;
        this.json = json;
        this.platformJobKey = jobTokens.verificationKey().isEmpty() ? Optional.empty()
                : Optional.of(PublicKeys.parse(json.readValue(jobTokens.verificationKey().get(), JWK))
                        .getPublicKey());
    }

    /** Jobs read their inputs and write their outputs here, so this service accepts job tokens. */
    @Override
    public Optional<PublicKey> platformJobKey() {
        return platformJobKey;
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
