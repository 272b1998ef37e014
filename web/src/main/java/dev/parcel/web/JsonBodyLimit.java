package dev.parcel.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;

/**
 * Every request body but a document upload's is a small JSON document: one over {@code parcel.http.max-json-body}
 * is refused (413) before anything reads it, and one without a Content-Length (411), since its size would be known
 * only once read. Uploads ({@value #UPLOADS}) stream, and have the service's own, much larger, limit.
 */
@ApplicationScoped
public class JsonBodyLimit {
    static final String UPLOADS = "/v1/storage";
    /** Before Quarkus REST reads the body, and before the edge forwards it. */
    private static final int FIRST = -200;
    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @ConfigMapping(prefix = "parcel.http")
    public interface Limits {
        /** The largest JSON request body any route takes. */
        @WithDefault("1M")
        MemorySize maxJsonBody();
    }

    void limit(@Observes Router router, Limits limits) {
        long max = limits.maxJsonBody().asLongValue();
        router.route().order(FIRST).handler(context -> check(context, max));
    }

    private static void check(RoutingContext context, long max) {
        var request = context.request();
        if (!WITH_BODY.contains(request.method())
                || request.method() == HttpMethod.POST && UPLOADS.equals(request.path())) {
            context.next();
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            boolean chunked = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
            if (chunked) {
                refuse(context, 411, "a request body here needs a Content-Length header");
            } else {
                context.next();
            }
            return;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            refuse(context, 400, "Content-Length is not a number");
            return;
        }
        if (bytes > max) {
            refuse(context, 413, "a request body here may be at most " + max + " bytes of JSON; this one has "
                    + bytes);
            return;
        }
        context.next();
    }

    private static void refuse(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonObject().put("error", message).encode());
    }
}
