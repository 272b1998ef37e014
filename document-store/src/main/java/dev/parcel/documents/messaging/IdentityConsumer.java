package dev.parcel.documents.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.documents.persistence.KnownIdentities;
import dev.parcel.events.IdentityRegistered;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

@ApplicationScoped
public class IdentityConsumer {
    private final KnownIdentities identities;
    private final ObjectMapper json;

    IdentityConsumer(KnownIdentities identities, ObjectMapper json) {
        this.identities = identities;
        this.json = json;
    }

    @Incoming("identity-registered")
    public Uni<Void> onRegistered(IdentityRegistered event) throws JsonProcessingException {
        var verifiers = new java.util.ArrayList<KnownIdentities.VerifierRow>();
        for (IdentityRegistered.TokenVerifier verifier : event.tokenVerifiers()) {
            verifiers.add(new KnownIdentities.VerifierRow(verifier.iss(), verifier.sub(),
                    json.writeValueAsString(verifier.publicKey())));
        }
        return identities.learn(event.identityId(), verifiers, event.occurredAt());
    }
}
