package dev.parcel.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** How self-issued bearer tokens are checked. */
@ConfigMapping(prefix = "parcel.auth")
public interface AuthConfig {

    /** Audiences a token may name; Parcel clients use the first. */
    @WithDefault("https://api.oasislabs.com/parcel")
    List<String> audiences();

    /** How far a token's clocks may be off ours (expiry and issued-at). */
    @WithDefault("120s")
    Duration clockSkew();

    /** The longest a self-issued token may live ({@code exp - iat}): a leaked token is worth that much at most. */
    @WithDefault("24h")
    Duration maxTokenLifetime();

    /**
     * How long a token whose signature verified is trusted again without checking it (never past its expiry):
     * clients reuse a token for many requests, and the signature check is most of a request's cost.
     */
    @WithDefault("60s")
    Duration verifiedTokenTtl();

    /** How many verified tokens are remembered at most. */
    @WithDefault("10000")
    int verifiedTokens();
}
