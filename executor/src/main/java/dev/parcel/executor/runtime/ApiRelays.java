package dev.parcel.executor.runtime;

import dev.parcel.executor.config.ExecutorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The platform API as a job with {@code parcelApiAccess} sees it: a TCP relay listening on its network's gateway,
 * forwarding to the API. The job can reach nothing else on the host (the firewall's host chain), the API itself may
 * listen on loopback only, and the relay lives exactly as long as the job's network.
 */
@ApplicationScoped
public class ApiRelays {
    private static final Logger LOG = Logger.getLogger(ApiRelays.class);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final URI api;
    private final NetClient client;
    /** A relayed connection silent this long, either way, is closed: an API that hangs must not hold the job. */
    private final Duration idleTimeout;

    ApiRelays(Vertx vertx, ExecutorConfig config) {
        this.vertx = vertx;
        this.api = config.apiUrl();
        this.idleTimeout = config.apiIdleTimeout();
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) config.apiConnectTimeout().toMillis())
                .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    }

    /** A relay listening on {@code address}; {@link Relay#url()} is what the job calls. */
    public record Relay(NetServer server, String address, int port, String path) {
        public String url() {
            return "http://" + address + ":" + port + path;
        }
    }

    public Relay open(String address) {
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost(address).setPort(0)
                        .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectHandler(this::relay);
        server.listen().toCompletionStage().toCompletableFuture()
                .orTimeout(LISTEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new Relay(server, address, server.actualPort(), api.getPath());
    }

    public void close(Relay relay) {
        relay.server().close();
    }

    private void relay(NetSocket job) {
        job.pause();
        int port = api.getPort() > 0 ? api.getPort() : 80;
        client.connect(port, api.getHost()).onComplete(connected -> {
            if (connected.failed()) {
                LOG.warnf("the API at %s is unreachable for a job: %s", api, connected.cause().getMessage());
                job.close();
                return;
            }
            NetSocket upstream = connected.result();
            job.pipeTo(upstream);
            upstream.pipeTo(job);
            job.resume();
        });
    }
}
