package dev.parcel.jobapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.IdentityRegistered;
import dev.parcel.events.Topics;
import dev.parcel.events.ResourceIds;
import dev.parcel.jobapi.domain.TokenVerifierRules;
import dev.parcel.jobapi.persistence.IdentityEntity;
import dev.parcel.outbox.Outbox;
import dev.parcel.jobapi.persistence.TokenVerifierEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.TokenVerifiers;
import jakarta.ws.rs.HttpMethod;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Registers identities with their token verifiers and finds the key that must have signed a token. */
@ApplicationScoped
public class IdentityRegistry implements TokenVerifiers {
    private static final TypeReference<Map<String, Object>> JWK = new TypeReference<>() {
    };

    private final Outbox outbox;
    private final OutboxRelay relay;
    private final ObjectMapper json;

    IdentityRegistry(Outbox outbox, OutboxRelay relay, ObjectMapper json) {
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
    }

    /** A token verifier as stored: who the token must claim to be, and the public JWK that checks it. */
    public record Verifier(String identityId, String issuer, String subject, Map<String, Object> publicKey) {
    }

    public record Identity(String id, Instant createdAt, List<Verifier> tokenVerifiers) {
    }

    /** A requested verifier; a null issuer or subject defaults to the new identity's id. */
    public record VerifierRequest(
            @JsonProperty("publicKey") Map<String, Object> publicKey,
            @JsonProperty("sub") String subject,
            @JsonProperty("iss") String issuer) {
    }

    /**
     * Validates before any database work, then stores the identity and its IdentityRegistered in one transaction.
     * What is stored and announced is what the rules accepted: each key cut down to a P-256 public key's members.
     */
    public Uni<Identity> register(List<VerifierRequest> requested) {
        String id = ResourceIds.newIdentityId();
        List<Verifier> verifiers;
        try {
            verifiers = TokenVerifierRules.accept(id, asRequested(requested)).stream()
                    .map(accepted -> new Verifier(id, accepted.issuer(), accepted.subject(), accepted.publicKey()))
                    .toList();
        } catch (TokenVerifierRules.Refused refused) {
            throw ApiProblem.invalid(refused.getMessage());
        }
        var identity = new IdentityEntity();
        identity.id = id;
        identity.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> ensureUnclaimed(verifiers)
                .chain(() -> identity.persist())
                .chain(() -> persistAll(verifiers))
                .chain(() -> outbox.append(Topics.IDENTITY_REGISTERED, IdentityRegistered.of(id, verifiers.stream()
                        .map(v -> new IdentityRegistered.TokenVerifier(v.issuer(), v.subject(), v.publicKey()))
                        .toList())))
                .map(ignored -> new Identity(id, identity.createdAt, verifiers)))
                .invoke(relay::publishSoon);
    }

    private static List<TokenVerifierRules.Requested> asRequested(List<VerifierRequest> requested) {
        return requested == null ? null : requested.stream()
                .map(request -> request == null ? null
                        : new TokenVerifierRules.Requested(request.publicKey(), request.issuer(), request.subject()))
                .toList();
    }

    @WithSession
    public Uni<Identity> find(String id) {
        return IdentityEntity.<IdentityEntity>findById(id).chain(identity -> {
            if (identity == null) {
                return Uni.createFrom().failure(ApiProblem.notFound("no identity " + id));
            }
            return TokenVerifierEntity.listOf(id)
                    .map(rows -> new Identity(id, identity.createdAt, rows.stream().map(this::toVerifier).toList()));
        });
    }

    @Override
    @WithSession
    public Uni<TokenVerifiers.Verifier> verifierFor(String issuer, String subject) {
        return TokenVerifierEntity.findByIssuerAndSubject(issuer, subject)
                .map(row -> row == null ? null : new TokenVerifiers.Verifier(row.identityId, readKey(row.publicKey)));
    }

    /** Registering an identity is how a client gets a key in the first place. */
    @Override
    public boolean needsNoToken(String method, String path) {
        return HttpMethod.POST.equals(method) && path.replaceAll("/+$", "").equals("/v1/identities");
    }

    private Uni<Void> ensureUnclaimed(List<Verifier> verifiers) {
        return Uni.join().all(verifiers.stream()
                .map(v -> TokenVerifierEntity.findByIssuerAndSubject(v.issuer(), v.subject()))
                .toList()).andCollectFailures()
                .invoke(found -> {
                    if (found.stream().anyMatch(row -> row != null)) {
                        throw ApiProblem.conflict("a token verifier with this iss and sub belongs to another identity");
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> persistAll(List<Verifier> verifiers) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Verifier v : verifiers) {
            var row = new TokenVerifierEntity();
            row.identityId = v.identityId();
            row.issuer = v.issuer();
            row.subject = v.subject();
            row.publicKey = write(v.publicKey());
            chain = chain.chain(() -> row.persist()).replaceWithVoid();
        }
        return chain;
    }

    private Verifier toVerifier(TokenVerifierEntity row) {
        return new Verifier(row.identityId, row.issuer, row.subject, readKey(row.publicKey));
    }

    private Map<String, Object> readKey(String publicKeyJson) {
        try {
            return json.readValue(publicKeyJson, JWK);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored public key is not JSON", e);
        }
    }

    private String write(Map<String, Object> jwk) {
        try {
            return json.writeValueAsString(jwk);
        } catch (JsonProcessingException e) {
            throw ApiProblem.invalid("tokenVerifiers[].publicKey is not serializable");
        }
    }
}
