package dev.parcel.documents.api;

import dev.parcel.documents.Grants;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/v1/grants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GrantResource {
    private final Grants grants;
    private final Caller caller;

    GrantResource(Grants grants, Caller caller) {
        this.grants = grants;
        this.caller = caller;
    }

    /** Parcel's grant creation parameters; the granter is always the caller. */
    public record CreateGrantRequest(String grantee, Object condition, String capabilities) {
    }

    @POST
    @ResponseStatus(201)
    public Uni<Grants.GrantRecord> create(CreateGrantRequest request) {
        if (request == null) {
            throw ApiProblem.invalid("body: required, such as {\"grantee\": ..., \"condition\": ...}");
        }
        return grants.create(caller.identityId(), request.grantee(), request.condition(), request.capabilities());
    }

    @GET
    @Path("/{id}")
    public Uni<Grants.GrantRecord> get(@PathParam("id") String id) {
        return grants.find(caller.identityId(), id);
    }

    @GET
    public Uni<Grants.GrantPage> list(@QueryParam("granter") String granter, @QueryParam("grantee") String grantee,
            @QueryParam("page-size") Integer pageSize, @QueryParam("page-token") String pageToken) {
        return grants.list(caller.identityId(), granter, grantee, pageSize, pageToken);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> revoke(@PathParam("id") String id) {
        return grants.revoke(caller.identityId(), id);
    }
}
