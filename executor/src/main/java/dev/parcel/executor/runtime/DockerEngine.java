package dev.parcel.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
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

    private final DockerClient client;
    private final String apiVersion;

    DockerEngine(ExecutorConfig config) {
        String host = config.dockerHost();
        try (DockerClient probe = connect(host, null)) {
            apiVersion = probe.versionCmd().exec().getApiVersion();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no Docker engine answers at " + host
                    + " (start dockerd, or set parcel.executor.docker-host)", e);
        }
        client = connect(host, apiVersion);
        LOG.infof("using the Docker engine at %s, API version %s", host, apiVersion);
    }

    private static DockerClient connect(String host, String apiVersion) {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host);
        if (apiVersion != null) {
            config.withApiVersion(apiVersion);
        }
        var http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(host))
                .maxConnections(64)
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
