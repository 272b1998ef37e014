package dev.parcel.documents.api;

import dev.parcel.documents.AccessLog;
import dev.parcel.documents.Documents;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

@Path("/v1/documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {
    private final Documents documents;
    private final Caller caller;

    DocumentResource(Documents documents, Caller caller) {
        this.documents = documents;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    public Uni<DocumentView> get(@PathParam("id") String id) {
        return documents.find(caller.identityId(), caller.job(), id).map(DocumentView::of);
    }

    @GET
    @Path("/{id}/history")
    public Uni<AccessLog.HistoryPage> history(@PathParam("id") String id, @QueryParam("accessor") String accessor,
            @QueryParam("after") String after, @QueryParam("before") String before,
            @QueryParam("page-size") Integer pageSize, @QueryParam("page-token") String pageToken) {
        return documents.history(caller.identityId(), id, accessor, instant("after", after),
                instant("before", before), pageSize, pageToken);
    }

    private static Instant instant(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(parameter + ": must be an ISO-8601 timestamp such as 2026-01-01T00:00:00Z");
        }
    }
}
