package dev.parcel.documents.api;

import dev.parcel.documents.Documents;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Parcel's storage URL: upload and download of document bytes. */
@Path("/v1/storage")
public class StorageResource {
    private final Documents documents;
    private final Caller caller;

    StorageResource(Documents documents, Caller caller) {
        this.documents = documents;
        this.caller = caller;
    }

    /** Multipart with a {@code metadata} part (JSON, or empty) and a {@code data} part (the bytes). */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    public Uni<DocumentView> upload(@RestForm("metadata") String metadata, @RestForm("data") FileUpload data) {
        if (data == null) {
            throw ApiProblem.invalid("data: the multipart body needs a part named data with the document's bytes");
        }
        return documents.upload(caller.identityId(), caller.job(), documents.readMetadata(metadata),
                data.uploadedFile())
                .map(DocumentView::of);
    }

    @GET
    @Path("/{id}/download")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Multi<Buffer> download(@PathParam("id") String id) {
        return documents.download(caller.identityId(), caller.job(), id);
    }
}
