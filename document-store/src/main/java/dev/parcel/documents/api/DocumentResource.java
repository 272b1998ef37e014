package dev.parcel.documents.api;

import dev.parcel.documents.Documents;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
        return documents.find(caller.identityId(), id).map(DocumentView::of);
    }
}
