package dev.parcel.executor.runtime;

import dev.parcel.events.JobScheduled;
import dev.parcel.tokens.JobTokenScope;
import dev.parcel.tokens.JobTokens;
import dev.parcel.tokens.JobTokens.JobClaims;
import dev.parcel.executor.config.ExecutorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The platform API as a job with {@code parcelApiAccess} sees it: an HTTP relay listening on its network's gateway.
 * The job holds only an opaque handle ({@code PARCEL_TOKEN}); the relay takes requests that present it, swaps it for
 * a job token it mints for that one request (good for {@link JobTokenIssuer#RELAYED_LIFETIME}, never shown to the
 * job), and forwards them to the API. A handle copied out of the job is worth nothing elsewhere: the API does not
 * know it, and the relay listens on the job's own network only. The relay stops honouring the handle when the
 * attempt ends ({@link #revoke}), before its outcome is reported.
 */
@ApplicationScoped
public class ApiRelays {
    private static final Logger LOG = Logger.getLogger(ApiRelays.class);
    /** Concurrent requests one job may have in flight to the API. */
    private static final int CONNECTIONS_PER_JOB = 4;
    /** Letters, digits and / . _ - only, with no empty, "." or ".." segment: a path the scope can judge as sent. */
    private static final Pattern PLAIN_PATH = Pattern.compile("(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)+/?");
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom HANDLES = new SecureRandom();
    private static final String BEARER = "Bearer ";
    /** Headers about one connection, not the request: not relayed either way. */
    private static final Set<CharSequence> HOP_BY_HOP = Set.of(HttpHeaders.CONNECTION, HttpHeaders.KEEP_ALIVE,
            HttpHeaders.TRANSFER_ENCODING, HttpHeaders.UPGRADE, HttpHeaders.HOST, HttpHeaders.AUTHORIZATION,
            HttpHeaders.PROXY_AUTHORIZATION, "TE", "Trailer");

    private final Vertx vertx;
    private final URI api;
    private final JobTokenIssuer tokens;
    /** A relayed exchange silent this long, either way, is closed: an API that hangs must not hold the job. */
    private final Duration idleTimeout;
    private final Duration connectTimeout;

    ApiRelays(Vertx vertx, JobTokenIssuer tokens, ExecutorConfig config) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.api = config.apiUrl();
        this.idleTimeout = config.apiIdleTimeout();
        this.connectTimeout = config.apiConnectTimeout();
    }

    /**
     * A relay listening on {@code address}; the job calls {@link #url()} with the handle as its bearer. Each relay has
     * a client of its own, so one job's requests cannot take the connections another job's wait for.
     */
    public record Relay(HttpServer server, HttpClient client, String address, int port, String path, Handle handle) {
        public String url() {
            return "http://" + address + ":" + port + path;
        }
    }

    /** What the job holds instead of a token; honoured until revoked. */
    public record Handle(String value, AtomicBoolean revoked) {
        static Handle random() {
            byte[] secret = new byte[32];
            HANDLES.nextBytes(secret);
            return new Handle("parcel-job-handle." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                    new AtomicBoolean());
        }

        boolean presentedIn(String authorization) {
            return authorization != null && MessageDigest.isEqual((BEARER + value).getBytes(StandardCharsets.UTF_8),
                    authorization.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Handle[redacted]";
        }
    }

    public Relay open(String address, JobScheduled job) {
        var handle = Handle.random();
        JobClaims scope = tokens.claims(job, JobTokens.Use.RELAY);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_JOB));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(address).setPort(0)
                .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                .requestHandler(request -> relay(request, handle, scope, client, job));
        server.listen().toCompletionStage().toCompletableFuture()
                .orTimeout(LISTEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return new Relay(server, client, address, server.actualPort(), api.getPath(), handle);
    }

    /** From now on the handle opens nothing: the attempt has ended. */
    public void revoke(Relay relay) {
        relay.handle().revoked().set(true);
    }

    public void close(Relay relay) {
        revoke(relay);
        relay.server().close();
        relay.client().close();
    }

    private void relay(HttpServerRequest request, Handle handle, JobClaims scope, HttpClient client,
            JobScheduled job) {
        if (handle.revoked().get()) {
            answer(request, 401, "this job's attempt has ended");
            return;
        }
        if (!handle.presentedIn(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            answer(request, 401, "present the job's PARCEL_TOKEN as its bearer token");
            return;
        }
        // The API checks the same scope; refusing here too means nothing the scope leaves out is ever forwarded,
        // whatever the API's routing makes of an odd path.
        String path = request.path();
        if (!PLAIN_PATH.matcher(path).matches()) {
            answer(request, 400, "a job's request path may hold only letters, digits and / . _ - (no dot segments)");
            return;
        }
        Optional<String> refusal = JobTokenScope.refusal(scope, request.method().name(), path);
        if (refusal.isPresent()) {
            answer(request, 403, refusal.get());
            return;
        }
        boolean hasBody = request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        request.pause();
        int port = api.getPort() > 0 ? api.getPort() : 80;
        client.request(new RequestOptions().setMethod(request.method()).setHost(api.getHost()).setPort(port)
                        .setURI(request.uri()))
                .compose(upstream -> {
                    request.headers().forEach((name, value) -> {
                        if (!isHopByHop(name)) {
                            upstream.headers().add(name, value);
                        }
                    });
                    upstream.putHeader(HttpHeaders.AUTHORIZATION, BEARER + tokens.relayedTokenFor(job));
                    // A job that hangs up gives up its request: the API's work for it stops too.
                    request.response().closeHandler(closed -> upstream.reset());
                    if (hasBody) {
                        return upstream.send(request);
                    }
                    request.resume();
                    return upstream.send();
                })
                .onSuccess(response -> answer(request, response))
                .onFailure(failure -> {
                    LOG.warnf("job %s: a request to the API at %s failed: %s", job.jobId(), api,
                            failure.getMessage());
                    if (!request.response().headWritten()) {
                        // What is left of the job's body is not read: the connection ends with the answer.
                        request.resume();
                        request.response().putHeader(HttpHeaders.CONNECTION, "close");
                        answer(request, 502, "the platform API did not answer the job's request");
                    } else {
                        request.response().reset();
                    }
                });
    }

    private static void answer(HttpServerRequest request, HttpClientResponse upstream) {
        var response = request.response().setStatusCode(upstream.statusCode());
        upstream.headers().forEach((name, value) -> {
            if (!isHopByHop(name)) {
                response.headers().add(name, value);
            }
        });
        if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && request.version() != HttpVersion.HTTP_1_0) {
            response.setChunked(true);
        }
        upstream.pipeTo(response);
    }

    private static void answer(HttpServerRequest request, int status, String error) {
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", error).encode());
    }

    private static boolean isHopByHop(String header) {
        return HOP_BY_HOP.stream().anyMatch(hop -> hop.toString().equalsIgnoreCase(header));
    }
}
