package dev.parcel.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** This worker: who it is, what it offers to jobs, and which Docker engine runs them. */
@ConfigMapping(prefix = "parcel.executor")
public interface ExecutorConfig {

    /** Unique per executor: the scheduler places jobs by it, and it names this executor's consumer group. */
    @WithDefault("worker-1")
    String workerId();

    /** Cpus offered to all jobs together. */
    @WithDefault("2")
    double cpus();

    /** Memory offered to all jobs together, in Parcel's notation. */
    @WithDefault("4G")
    String memory();

    /** The most cpus one job gets; larger requests are clamped to it. */
    @WithDefault("2")
    double maxCpusPerJob();

    /** The most memory one job gets; larger requests are clamped to it. */
    @WithDefault("2G")
    String maxMemoryPerJob();

    @WithDefault("2s")
    Duration heartbeatInterval();

    /** The Docker engine's API endpoint. */
    @WithDefault("unix:///var/run/docker.sock")
    String dockerHost();

    /**
     * Networks (CIDRs) no job reaches, whatever its egress list says: link-local by default, where a cloud's
     * metadata service answers; add the networks of the platform's own services. {@code none} denies none (an empty
     * value would mean the default).
     */
    @WithDefault("169.254.0.0/16,fe80::/10")
    List<String> deniedEgress();

    /** When the worker pulls a job's image from its registry. */
    enum PullPolicy {
        /** Only images already on the worker run: the default, for a worker without registry access. */
        NEVER,
        /** An image absent from the worker is pulled. */
        IF_NOT_PRESENT,
        /** Every job's image is pulled, so a tag always means what its registry says now. */
        ALWAYS
    }

    /**
     * Pulls reach any registry the image reference names, from the worker's network, whatever the job's network
     * policy says; hence {@code never} unless an operator decides otherwise.
     */
    @WithDefault("never")
    PullPolicy pullPolicy();

    /** How long pulling an image may take before the job fails. */
    @WithDefault("5m")
    Duration pullTimeout();

    /** The most processes a job's container may run. */
    @WithDefault("256")
    long pidsLimit();

    /** Where jobs' inputs are read and their outputs stored (the document-store, not the public edge). */
    @WithDefault("http://127.0.0.1:8081")
    URI documentStoreUrl();

    /** The platform's private key for job tokens (an EC P-256 JWK, as JSON); without it, jobs with documents fail. */
    Optional<String> jobTokenSigningKey();

    /** The audience job tokens name; the document-store must accept it. */
    @WithDefault("https://api.oasislabs.com/parcel")
    String jobTokenAudience();

    /** The longest a job may run; one that runs longer is killed and fails saying so. */
    @WithDefault("24h")
    Duration maxRunTime();

    /** Where a job with {@code networkPolicy.parcelApiAccess} reaches the platform's API (the edge's /v1 URL). */
    @WithDefault("http://127.0.0.1:8080/v1")
    URI apiUrl();

    /**
     * The most a job's declared outputs may hold together. No file the job writes may grow past it either (the
     * kernel's file size limit, so a sparse file cannot pretend to be larger), and collecting stops at it.
     */
    @WithDefault("1G")
    String maxOutputSize();

    /** The size of the writable /tmp a job gets (its root filesystem is read-only). */
    @WithDefault("64m")
    String tmpSize();

    /**
     * How long an ended job's outcome waits for its last log lines to be stored in the document-store; what is not
     * stored by then is lost.
     */
    @WithDefault("30s")
    Duration logsStoredWithin();

    /** How long a job asked to stop (terminated, or over its run time) has to exit before it is killed. */
    @WithDefault("10s")
    Duration killGracePeriod();

    /** Where the attempt journal is kept: what this worker accepted and settled, for its next start. */
    @WithDefault("executor-state")
    String stateDir();

    /**
     * How long a start may take to read the placements behind the last one this worker acknowledged (recovery waits
     * for them, and tries again after a pause when the broker does not answer in time).
     */
    @WithDefault("30s")
    Duration missedPlacementsTimeout();

    /** How long the journal remembers a settled attempt or a termination, to ignore a replay of it. */
    @WithDefault("7d")
    Duration journalRetention();

    @WithDefault("10s")
    Duration documentStoreConnectTimeout();

    /** The longest one download or upload of a document may take, body included. */
    @WithDefault("10m")
    Duration documentStoreRequestTimeout();

    /** How long a job's API relay waits to connect to the API. */
    @WithDefault("10s")
    Duration apiConnectTimeout();

    /** A relayed API connection silent this long in both directions is closed. */
    @WithDefault("10m")
    Duration apiIdleTimeout();
}
