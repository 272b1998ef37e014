package dev.parcel.web;

import dev.parcel.tokens.JobTokenScope;
import dev.parcel.tokens.JobTokens;
import dev.parcel.tokens.PublicKeys;
import dev.parcel.tokens.SelfIssuedTokens;
import dev.parcel.tokens.TokenRejected;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Optional;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request the service's {@link TokenVerifiers} does not exempt must carry {@code Authorization: Bearer
 * <self-issued JWT>}; the token is checked against the key its claimed (iss, sub) registered, once: a token that
 * verified is remembered ({@link VerifiedTokens}) until it expires. Failures are 401 with a JSON error.
 */
public class BearerTokenFilter {
    private static final String BEARER = "Bearer ";

    private final TokenVerifiers identities;
    private final AuthConfig config;
    private final Caller caller;
    private final Optional<PublicKey> platformJobKey;
    private final VerifiedTokens verifiedTokens;

    BearerTokenFilter(TokenVerifiers identities, AuthConfig config, JobTokenConfig jobTokens, Caller caller,
            VerifiedTokens verifiedTokens) {
        this.identities = identities;
        this.verifiedTokens = verifiedTokens;
        this.config = config;
        this.caller = caller;
        this.platformJobKey = jobTokens.verificationKey().map(BearerTokenFilter::publicKey);
    }

    private static PublicKey publicKey(String jwk) {
        try {
            return ((PublicJsonWebKey) JsonWebKey.Factory.newJwk(jwk)).getPublicKey();
        } catch (JoseException | ClassCastException e) {
            throw new IllegalStateException("parcel.job-tokens.verification-key is not a public JWK", e);
        }
    }

    /** Non-blocking: it runs on the event loop (where the reactive identity lookup must) even for blocking resources. */
    @ServerRequestFilter(nonBlocking = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        Optional<String> bearer = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        // A route anyone may call is still closed to a job token: what a job may do is its scope, nothing more.
        if (identities.needsNoToken(request.getMethod(), request.getUriInfo().getPath())
                && !bearer.map(BearerTokenFilter::isJobToken).orElse(false)) {
            return Uni.createFrom().nullItem();
        }
        if (bearer.isEmpty()) {
            return refuse(ApiProblem.unauthenticated("missing bearer token (Authorization: Bearer <JWT>)"));
        }
        String token = bearer.get();
        Instant now = Instant.now();
        Optional<String> verifiedBefore = verifiedTokens.identityFor(token, now);
        if (verifiedBefore.isPresent()) {
            caller.authenticatedAs(verifiedBefore.get());
            return Uni.createFrom().nullItem();
        }
        SelfIssuedTokens.Claimant claimant;
        try {
            claimant = SelfIssuedTokens.claimant(token);
        } catch (TokenRejected rejected) {
            return refuse(ApiProblem.unauthenticated(rejected.getMessage()));
        }
        if (JobTokens.ISSUER.equals(claimant.issuer())) {
            return Uni.createFrom().item(authenticateJob(token, request.getMethod(),
                    request.getUriInfo().getPath()));
        }
        return identities.verifierFor(claimant.issuer(), claimant.subject())
                .map(verifier -> {
                    if (verifier == null) {
                        throw ApiProblem.unauthenticated("no identity has a token verifier for this token's iss and sub");
                    }
                    try {
                        Instant expiresAt = SelfIssuedTokens.verify(token,
                                PublicKeys.parse(verifier.publicKey()).getPublicKey(), claimant, config.audiences(),
                                config.clockSkew(), config.maxTokenLifetime(), now);
                        verifiedTokens.remember(token, verifier.identityId(), expiresAt);
                    } catch (TokenRejected rejected) {
                        throw ApiProblem.unauthenticated(rejected.getMessage());
                    }
                    caller.authenticatedAs(verifier.identityId());
                    return (Response) null;
                })
                .onFailure(ApiProblem.class).recoverWithItem(failure -> ErrorMapper.toResponse((ApiProblem) failure));
    }


    /**
     * Job tokens never consult registered verifiers: only the platform's key can vouch for a job. What a job token
     * may call is {@link JobTokenScope}'s to say.
     */
    private Response authenticateJob(String token, String method, String path) {
        var key = platformJobKey;
        if (key.isEmpty()) {
            return ErrorMapper.toResponse(ApiProblem.unauthenticated("job tokens are not accepted here"));
        }
        JobTokens.JobClaims job;
        try {
            job = JobTokens.verify(token, key.get(), config.audiences(), config.clockSkew(), Instant.now());
        } catch (TokenRejected rejected) {
            return ErrorMapper.toResponse(ApiProblem.unauthenticated(rejected.getMessage()));
        }
        Optional<String> refusal = JobTokenScope.refusal(job, method, path);
        if (refusal.isPresent()) {
            return ErrorMapper.toResponse(ApiProblem.forbidden(refusal.get()));
        }
        caller.authenticatedAs(job);
        return null;
    }

    private static Optional<String> bearerToken(String header) {
        return header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? Optional.empty()
                : Optional.of(header.substring(BEARER.length()).trim());
    }

    private static boolean isJobToken(String token) {
        try {
            return JobTokens.ISSUER.equals(SelfIssuedTokens.claimant(token).issuer());
        } catch (TokenRejected notEvenAToken) {
            return false;
        }
    }

    private static Uni<Response> refuse(ApiProblem problem) {
        return Uni.createFrom().item(ErrorMapper.toResponse(problem));
    }
}
