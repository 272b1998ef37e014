package dev.parcel.documents.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Whether, and with which key, this service accepts the tokens the platform issues to running jobs. */
@ConfigMapping(prefix = "parcel.job-tokens")
public interface JobTokenConfig {

    /** The platform's public key (an EC P-256 JWK, as JSON); without it, job tokens are refused. */
    Optional<String> verificationKey();
}
