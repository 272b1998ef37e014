package dev.parcel.jobapi.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.parcel.jobapi.IdentityRegistry;
import dev.parcel.jobapi.IdentityRegistry.Identity;
import dev.parcel.jobapi.IdentityRegistry.VerifierRequest;
import dev.parcel.web.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/v1/identities")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IdentityResource {
    private final IdentityRegistry identities;
    private final Caller caller;

    IdentityResource(IdentityRegistry identities, Caller caller) {
        this.identities = identities;
        this.caller = caller;
    }

    public record CreateIdentityRequest(@NotNull List<VerifierRequest> tokenVerifiers) {
    }

    /** Named explicitly: Jackson would otherwise also read the accessor {@code iss()} as an "is" getter of "s". */
    public record TokenVerifierView(
            @JsonProperty("publicKey") Map<String, Object> publicKey,
            @JsonProperty("sub") String subject,
            @JsonProperty("iss") String issuer) {
    }

    public record IdentityView(String id, Instant createdAt, List<TokenVerifierView> tokenVerifiers) {
        static IdentityView of(Identity identity) {
            return new IdentityView(identity.id(), identity.createdAt(), identity.tokenVerifiers().stream()
                    .map(v -> new TokenVerifierView(v.publicKey(), v.subject(), v.issuer())).toList());
        }
    }

    @POST
    @ResponseStatus(201)
    public Uni<IdentityView> create(@Valid @NotNull CreateIdentityRequest request) {
        return identities.register(request.tokenVerifiers()).map(IdentityView::of);
    }

    @GET
    @Path("/me")
    public Uni<IdentityView> me() {
        return identities.find(caller.identityId()).map(IdentityView::of);
    }

    @GET
    @Path("/{id}")
    public Uni<IdentityView> get(@PathParam("id") String id) {
        return identities.find(id).map(IdentityView::of);
    }
}
