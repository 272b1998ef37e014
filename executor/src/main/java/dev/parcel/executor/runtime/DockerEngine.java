package dev.parcel.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.parcel.events.MemoryNotation;
import dev.parcel.events.jobspec.JobSpecRules;
import dev.parcel.executor.config.ExecutorConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The connection to this worker's Docker engine. The API version is read from the engine's {@code /version} and
 * pinned, so requests speak exactly the dialect the engine does rather than docker-java's guess.
 */
@ApplicationScoped
@Startup
public class DockerEngine {
    private static final Logger LOG = Logger.getLogger(DockerEngine.class);

    private static final int CONNECTIONS_PER_JOB = 3;
    private static final int CONNECTIONS_BESIDE_JOBS = 16;

    private final DockerClient client;
    private final String apiVersion;

    DockerEngine(ExecutorConfig config) {
        String host = config.dockerHost();
        int connections = connectionsFor(config);
        try (DockerClient probe = connect(host, null, 1)) {
            apiVersion = probe.versionCmd().exec().getApiVersion();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no Docker engine answers at " + host
                    + " (start dockerd, or set parcel.executor.docker-host)", e);
        }
        client = connect(host, apiVersion, connections);
        LOG.infof("using the Docker engine at %s, API version %s, up to %d connections", host, apiVersion,
                connections);
    }

    /**
     * Every running job holds two connections for as long as it runs (the engine's wait for its exit, and the follow
     * of its logs), and may make one more call beside them (a kill racing its flow's inspect or copy), so a pool
     * smaller than three times the jobs that can run at once stalls their creations and kills behind the waits. The most jobs at once is the
     * worker's memory over the least memory a job may have (cpus may be any fraction, so they bound nothing); the
     * headroom is for the calls that belong to no job: recovery, health checks, listing.
     */
    static int connectionsFor(ExecutorConfig config) {
        long jobs = Math.max(1, MemoryNotation.parseBytes(config.memory()) / JobSpecRules.MIN_MEMORY_BYTES);
        return (int) Math.min(Integer.MAX_VALUE, jobs * CONNECTIONS_PER_JOB + CONNECTIONS_BESIDE_JOBS);
    }

    private static DockerClient connect(String host, String apiVersion, int connections) {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host);
        if (apiVersion != null) {
            config.withApiVersion(apiVersion);
        }
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .maxConnections(connections)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        return DockerClientImpl.getInstance(config.build(), http);
    }

    public DockerClient client() {
        return client;
    }

    public String apiVersion() {
        return apiVersion;
    }

    @PreDestroy
    void close() throws IOException {
        client.close();
    }
}
