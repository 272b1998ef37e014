package dev.parcel.jobapi.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How job submissions are deduplicated by their Idempotency-Key. */
@ConfigMapping(prefix = "parcel.submissions")
public interface SubmissionConfig {

    /**
     * How long a key names the job its first request made; after that the same key makes a new job. Long enough to
     * outlast any client's retries.
     */
    @WithDefault("24h")
    Duration idempotencyKeyTtl();

    /** How often keys older than {@link #idempotencyKeyTtl()} are deleted (they no longer count before that). */
    @WithDefault("1h")
    Duration idempotencyKeyCleanupInterval();

    /** How many event streams ({@code GET /compute/jobs/{id}/events}) one identity may hold open at once. */
    @WithDefault("32")
    int maxEventStreamsPerIdentity();
}
