package dev.parcel.executor.runtime;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.tokens.JobTokens;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Mints the short-lived tokens with which the executor reads a job's inputs and writes its outputs, and those the
 * job's API relay sends for the job's own requests.
 */
@ApplicationScoped
public class JobTokenIssuer {
    /** Long enough for one staging or upload pass; a new token is minted for each. */
    private static final Duration EXECUTOR_LIFETIME = Duration.ofMinutes(15);
    /** Long enough for one relayed request to be checked; a new token is minted for each. */
    static final Duration RELAYED_LIFETIME = Duration.ofMinutes(1);

    private final Optional<EllipticCurveJsonWebKey> signingKey;
    private final String audience;
    private final String workerId;

    JobTokenIssuer(ExecutorConfig config) throws JoseException {
        this.signingKey = config.jobTokenSigningKey().isEmpty() ? Optional.empty()
                : Optional.of((EllipticCurveJsonWebKey) JsonWebKey.Factory.newJwk(config.jobTokenSigningKey().get()));
        this.audience = config.jobTokenAudience();
        this.workerId = config.workerId();
    }

    /** Whether this worker holds the platform's signing key, so it can give jobs tokens at all. */
    public boolean canIssue() {
        return signingKey.isPresent();
    }

    /** The executor's token for one staging or upload pass of this attempt; empty without a signing key. */
    public Optional<String> tokenFor(JobScheduled job) {
        return mint(job, JobTokens.Use.EXECUTOR, EXECUTOR_LIFETIME);
    }

    /** The token the job's relay sends with one of the job's own requests. */
    public String relayedTokenFor(JobScheduled job) {
        return mint(job, JobTokens.Use.RELAY, RELAYED_LIFETIME)
                .orElseThrow(() -> new IllegalStateException("this worker holds no key to sign job tokens with"));
    }

    /** What a token of this use for this attempt claims: the relay checks a job's request against it. */
    public JobTokens.JobClaims claims(JobScheduled job, JobTokens.Use use) {
        return new JobTokens.JobClaims(job.jobId(), job.attempt(), job.submitter(), job.spec().image(), inputs(job),
                outputs(job), workerId, use);
    }

    private Optional<String> mint(JobScheduled job, JobTokens.Use use, Duration lifetime) {
        return signingKey.map(key -> JobTokens.mint(claims(job, use), key.getPrivateKey(), key.getKeyId(), audience,
                lifetime, Instant.now()));
    }

    private static List<Map<String, Object>> inputs(JobScheduled job) {
        return job.spec().inputDocuments() == null ? List.of() : job.spec().inputDocuments().stream()
                .map(input -> Map.<String, Object>of("id", input.id(), "mountPath", input.mountPath())).toList();
    }

    private static List<Map<String, Object>> outputs(JobScheduled job) {
        return job.spec().outputDocuments() == null ? List.of() : job.spec().outputDocuments().stream()
                .map(output -> output.owner() == null
                        ? Map.<String, Object>of("mountPath", output.mountPath())
                        : Map.<String, Object>of("mountPath", output.mountPath(), "owner", output.owner()))
                .toList();
    }
}
