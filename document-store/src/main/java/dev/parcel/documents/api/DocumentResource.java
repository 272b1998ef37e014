package dev.parcel.documents.api;

import dev.parcel.documents.AccessLog;
import dev.parcel.documents.DocumentSearch;
import dev.parcel.documents.Documents;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/v1/documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {
    private final Documents documents;
    private final DocumentSearch documentSearch;
    private final Caller caller;

    DocumentResource(Documents documents, DocumentSearch documentSearch, Caller caller) {
        this.documents = documents;
        this.documentSearch = documentSearch;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    public Uni<DocumentView> get(@PathParam("id") String id) {
        return documents.find(caller.identityId(), caller.job(), id).map(DocumentView::of);
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<DocumentView> update(@PathParam("id") String id, Documents.UploadMetadata changes) {
        if (changes == null) {
            throw ApiProblem.invalid("body: required, such as {\"details\": {\"title\": ...}, \"owner\": ...}");
        }
        return documents.update(caller.identityId(), id, changes).map(DocumentView::of);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("id") String id) {
        return documents.delete(caller.identityId(), id);
    }

    /** Parcel's search parameters; the page fields travel in the body, as the client sends them. */
    public record SearchRequest(Object selectedByCondition, DocumentSearch.Context accessibleInContext,
            Integer pageSize, String pageToken) {
    }

    public record DocumentPageView(List<DocumentView> results, String nextPageToken) {
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<DocumentPageView> search(SearchRequest request) {
        var search = request == null ? new SearchRequest(null, null, null, null) : request;
        return documentSearch.search(caller.identityId(), caller.job(), search.selectedByCondition(),
                search.accessibleInContext(), search.pageSize(), search.pageToken())
                .map(page -> new DocumentPageView(page.results().stream().map(DocumentView::of).toList(),
                        page.nextPageToken()));
    }

    @GET
    @Path("/{id}/history")
    public Uni<AccessLog.HistoryPage> history(@PathParam("id") String id, @QueryParam("accessor") String accessor,
            @QueryParam("after") String after, @QueryParam("before") String before,
            @QueryParam("page-size") Integer pageSize, @QueryParam("page-token") String pageToken) {
        return documents.history(caller.identityId(), id, accessor, instant("after", after),
                instant("before", before), pageSize, pageToken);
    }

    /** ISO-8601, or milliseconds since the epoch, which is what the Parcel client sends for a Date. */
    private static Instant instant(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            return value.chars().allMatch(Character::isDigit) && !value.isEmpty()
                    ? Instant.ofEpochMilli(Long.parseLong(value)) : OffsetDateTime.parse(value).toInstant();
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw ApiProblem.invalid(parameter + ": must be an ISO-8601 timestamp such as 2026-01-01T00:00:00Z,"
                    + " or milliseconds since the epoch");
        }
    }
}
