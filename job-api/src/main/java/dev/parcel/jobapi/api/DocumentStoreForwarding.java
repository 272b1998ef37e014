package dev.parcel.jobapi.api;

import dev.parcel.jobapi.config.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One public port: document, grant and storage traffic is forwarded to the document-store, streamed both ways
 * (Vert.x's reverse proxy), so a document is never held in memory here. The document-store checks every token
 * itself, so the edge does not decide who may read a document.
 */
@ApplicationScoped
public class DocumentStoreForwarding {
    private static final Logger LOG = Logger.getLogger(DocumentStoreForwarding.class);
    private static final List<String> FORWARDED = List.of("/v1/storage", "/v1/documents", "/v1/grants");
    /** Before Quarkus REST, which would answer 404 for paths it does not serve. */
    private static final int BEFORE_REST = -100;
    /** Like quarkus.http.limits.max-chunk-size for what comes in: a download leaves in pieces as large as Netty reads. */
    private static final int FORWARDED_CHUNK_BYTES = 64 * 1024;

    void forward(@Observes Router router, Vertx vertx, EdgeConfig config) {
        var origin = config.documentStoreUrl();
        var client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(true)
                .setMaxChunkSize(FORWARDED_CHUNK_BYTES));
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .origin(origin.getPort(), origin.getHost())
                .addInterceptor(new UnavailableAsJson());
        for (String prefix : FORWARDED) {
            router.route(prefix).order(BEFORE_REST).handler(context -> proxy.handle(context.request()));
            router.route(prefix + "/*").order(BEFORE_REST).handler(context -> proxy.handle(context.request()));
        }
    }

    /** When the document-store cannot be reached, the client gets our JSON error instead of an empty 502. */
    private static final class UnavailableAsJson implements ProxyInterceptor {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            return context.sendRequest().recover(failure -> {
                LOG.warnf("document-store unreachable: %s", failure.getMessage());
                return Future.succeededFuture(context.request().response()
                        .setStatusCode(502)
                        .putHeader("Content-Type", "application/json")
                        .setBody(Body.body(Buffer.buffer("{\"error\":\"document storage is unavailable; try again"
                                + " shortly\"}"))));
            });
        }
    }
}
