package dev.parcel.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.parcel.inbox.FailureKind;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into {@code {"error": "..."}} with the right status; nothing internal reaches a client. */
public class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);
    private static final String RETRY_AFTER_SECONDS = "5";

    public static Response toResponse(ApiProblem problem) {
        int status = switch (problem.kind()) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            // Jakarta REST's Status has no constant for it.
            case TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case TOO_MANY -> 429;
        };
        return error(status, problem.getMessage());
    }

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }

    @ServerExceptionMapper
    public Response problem(ApiProblem problem) {
        return toResponse(problem);
    }

    @ServerExceptionMapper
    public Response invalidFields(ConstraintViolationException exception) {
        String message = exception.getConstraintViolations().stream()
                .map(violation -> fieldOf(violation) + ": " + violation.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return error(400, message);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonParseException exception) {
        return error(400, "the request body is not valid JSON (line " + exception.getLocation().getLineNr()
                + ", column " + exception.getLocation().getColumnNr() + ")");
    }

    @ServerExceptionMapper
    public Response wrongShape(JsonMappingException exception) {
        if (exception.getOriginalMessage() != null && exception.getOriginalMessage().startsWith("Unexpected end-of-input")) {
            return error(400, "the request body is not valid JSON (it ends too early)");
        }
        String field = exception.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return error(400, field.isEmpty() ? "the request body has the wrong shape"
                : field + ": has the wrong type");
    }

    /** Quarkus ships its own mapper for this subtype, with its own body; ours must be at least as specific. */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException exception) {
        return wrongShape(exception);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException exception) {
        Response response = exception.getResponse();
        Throwable cause = exception.getCause();
        if (cause instanceof JsonParseException parse) {
            return unreadableJson(parse);
        }
        if (cause instanceof JsonMappingException mapping) {
            return wrongShape(mapping);
        }
        String reason = response.getStatusInfo().getReasonPhrase();
        return error(response.getStatus(), reason == null ? "request refused" : reason.toLowerCase());
    }

    /**
     * A database or broker that is away is the moment's fault, not the request's: 503, so a client knows to try
     * again, and no stack trace in the log for what is an outage, not a bug.
     */
    @ServerExceptionMapper
    public Response unexpected(Throwable failure) {
        if (FailureKind.isDataException(failure)) {
            return error(400, "the request holds a value that cannot be stored: a NUL character (\\u0000) in text,"
                    + " or a number or time out of range");
        }
        if (FailureKind.of(failure) == FailureKind.TRANSIENT) {
            LOG.warnf("request refused while a dependency is away: %s", failure);
            return Response.fromResponse(error(503, "the service cannot reach its database or broker right now;"
                    + " try again shortly")).header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        LOG.error("request failed", failure);
        return error(500, "internal error");
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // The path starts with the resource method and its parameter; the client only knows the body's fields.
        return StreamSupport.stream(violation.getPropertyPath().spliterator(), false)
                .filter(node -> node.getKind() == jakarta.validation.ElementKind.PROPERTY
                        || node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT)
                .map(Path.Node::toString)
                .collect(Collectors.joining("."))
                .transform(path -> path.isEmpty() ? "body" : path);
    }
}
