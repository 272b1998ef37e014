package dev.parcel.tokens;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/**
 * Tokens the platform issues for a running job, so its granted inputs are read and its outputs written as its
 * submitter, in the context of that job. Signed (ES256) with the platform's key, which executors hold; the claim
 * {@value #JOB_CLAIM} carries the job facts grant conditions look at, so a reader needs no lookup to know them, and
 * what the token is for ({@link Use}), which {@link JobTokenScope} turns into the routes it may call. No job token
 * ever enters a container: the job holds an opaque handle its API relay exchanges for a {@link Use#RELAY} token.
 */
public final class JobTokens {
    /** The issuer of every job token; no identity can register a verifier for it that would be consulted. */
    public static final String ISSUER = "parcel-platform";
    public static final String JOB_CLAIM = "parcel_job";

    private JobTokens() {
    }

    /** Who holds the token. */
    public enum Use {
        /** The executor, staging the job's inputs and uploading its declared outputs. */
        EXECUTOR("executor"),
        /** The job's API relay, on behalf of the job's own requests (only minted by the relay, per request). */
        RELAY("relay");

        private final String claim;

        Use(String claim) {
            this.claim = claim;
        }

        /** A token that does not say what it is for is held by the job: the least it may do. */
        static Use ofClaim(Object claim) {
            return EXECUTOR.claim.equals(claim) ? EXECUTOR : RELAY;
        }
    }

    /** What a job token says about its job. Inputs and outputs are the spec's entries as JSON objects. */
    public record JobClaims(String jobId, int attempt, String submitter, String image,
            List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, String workerId, Use use) {
    }

    public static String mint(JobClaims job, PrivateKey key, String keyId, String audience, Duration lifetime,
            Instant now) {
        var claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(job.submitter());
        claims.setAudience(audience);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(lifetime).getEpochSecond()));
        claims.setClaim(JOB_CLAIM, Map.of(
                "id", job.jobId(),
                "attempt", job.attempt(),
                "image", job.image(),
                "inputs", job.inputs(),
                "outputs", job.outputs(),
                "worker", job.workerId(),
                "use", job.use().claim));
        var jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(keyId);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a job token", e);
        }
    }

    /** Checks the platform's signature, audience and expiry, and returns the job the token speaks for. */
    @SuppressWarnings("unchecked")
    public static JobClaims verify(String token, PublicKey platformKey, Collection<String> audiences,
            Duration clockSkew, Instant now) {
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setVerificationKey(platformKey)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                            AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                    .setExpectedIssuer(ISSUER)
                    .setExpectedAudience(audiences.toArray(String[]::new))
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setAllowedClockSkewInSeconds((int) clockSkew.toSeconds())
                    .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
                    .build()
                    .processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new TokenRejected(e.hasExpired() ? "the job token has expired"
                    : "the job token is not one the platform issued");
        }
        try {
            if (!(claims.getClaimValue(JOB_CLAIM) instanceof Map<?, ?> job)) {
                throw new TokenRejected("the job token names no job");
            }
            return new JobClaims((String) job.get("id"), ((Number) job.get("attempt")).intValue(),
                    claims.getSubject(), (String) job.get("image"), (List<Map<String, Object>>) job.get("inputs"),
                    (List<Map<String, Object>>) job.get("outputs"), (String) job.get("worker"),
                    Use.ofClaim(job.get("use")));
        } catch (MalformedClaimException | ClassCastException | NullPointerException e) {
            throw new TokenRejected("the job token's job claim is malformed");
        }
    }
}
