package dev.parcel.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parcel.testkit.SelfIssuedIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

class JobTokensTest {
    private static final String AUDIENCE = SelfIssuedIdentity.PARCEL_AUDIENCE;
    private static final Duration SKEW = Duration.ofMinutes(2);
    private static final JobTokens.JobClaims JOB = new JobTokens.JobClaims("J1", 2, "Isubmitter", "acme/analytics:1",
            List.of(Map.of("id", "D1", "mountPath", "in.csv")), List.of(Map.of("mountPath", "out.csv")), "worker-a",
            JobTokens.Use.EXECUTOR);

    private final EllipticCurveJsonWebKey platform = key();

    private static EllipticCurveJsonWebKey key() {
        try {
            return EcJwkGenerator.generateJwk(EllipticCurves.P256);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String mint(JobTokens.JobClaims job, Duration lifetime) {
        return JobTokens.mint(job, platform.getPrivateKey(), "platform-1", AUDIENCE, lifetime, Instant.now());
    }

    @Test
    void jobTokenCarriesItsJobFactsSigned() {
        var read = JobTokens.verify(mint(JOB, Duration.ofMinutes(10)), platform.getECPublicKey(), List.of(AUDIENCE),
                SKEW, Instant.now());

        assertEquals(JOB, read);
    }

    @Test
    void tokenSignedByAnotherKeyIsNotAJobToken() {
        String forged = JobTokens.mint(JOB, key().getPrivateKey(), "platform-1", AUDIENCE, Duration.ofMinutes(10),
                Instant.now());

        assertEquals("the job token is not one the platform issued", assertThrows(TokenRejected.class,
                () -> JobTokens.verify(forged, platform.getECPublicKey(), List.of(AUDIENCE), SKEW, Instant.now()))
                .getMessage());
    }

    @Test
    void expiredJobTokenIsRefused() {
        String token = mint(JOB, Duration.ofMinutes(1));

        assertEquals("the job token has expired", assertThrows(TokenRejected.class, () -> JobTokens.verify(token,
                platform.getECPublicKey(), List.of(AUDIENCE), SKEW, Instant.now().plus(Duration.ofMinutes(10))))
                .getMessage());
    }

    @Test
    void selfIssuedTokenIsNotAJobToken() {
        var identity = new SelfIssuedIdentity().as(JobTokens.ISSUER);

        assertThrows(TokenRejected.class, () -> JobTokens.verify(identity.token(), platform.getECPublicKey(),
                List.of(AUDIENCE), SKEW, Instant.now()));
    }
}
