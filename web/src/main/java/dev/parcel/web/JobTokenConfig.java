package dev.parcel.web;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * Whether, and with which key, a service accepts the tokens the platform issues to running jobs: the
 * document-store (a job's inputs and outputs) and the job-api (a job with {@code parcelApiAccess}).
 */
@ConfigMapping(prefix = "parcel.job-tokens")
public interface JobTokenConfig {

    /** The platform's public key (an EC P-256 JWK, as JSON); without it, job tokens are refused. */
    Optional<String> verificationKey();
}
