package dev.parcel.jobapi.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A job spec is a small JSON document; a body over {@value #MAX_SPEC_BYTES} bytes is refused (413) before it is
 * read. The limit is this route's alone: the same port forwards document uploads of any size.
 */
@ApplicationScoped
public class SubmissionSizeLimit {
    static final long MAX_SPEC_BYTES = 1 << 20;
    /** Before Quarkus REST reads the body. */
    private static final int BEFORE_REST = -50;

    void limit(@Observes Router router) {
        router.post("/v1/compute/jobs").order(BEFORE_REST).handler(SubmissionSizeLimit::check);
    }

    private static void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            // Without a length the body's size is unknown until it is read; clients send JSON with one.
            refuse(context, 411, "a job spec needs a Content-Length header");
            return;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            refuse(context, 400, "Content-Length is not a number");
            return;
        }
        if (bytes > MAX_SPEC_BYTES) {
            refuse(context, 413, "a job spec may be at most " + MAX_SPEC_BYTES + " bytes; this one has " + bytes);
            return;
        }
        context.next();
    }

    private static void refuse(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(io.vertx.core.json.Json.encode(java.util.Map.of("error", message)));
    }
}
