package dev.parcel.documents.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.documents.persistence.KnownIdentities;
import dev.parcel.events.IdentityRegistered;
import dev.parcel.inbox.EventIntake;
import dev.parcel.inbox.UnprocessableEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Learns the identities the job-api registers, so this service checks their tokens itself. */
@ApplicationScoped
public class IdentityConsumer {
    private final KnownIdentities identities;
    private final EventIntake intake;
    private final ObjectMapper json;

    IdentityConsumer(KnownIdentities identities, EventIntake intake, ObjectMapper json) {
        this.identities = identities;
        this.intake = intake;
        this.json = json;
    }

    @Incoming("identity-registered")
    public Uni<Void> onRegistered(ConsumerRecord<String, String> record) {
        return intake.apply(record, IdentityRegistered.class, IdentityRegistered.VERSION,
                event -> identities.learn(event.identityId(), verifiers(event), event.occurredAt()));
    }

    private ArrayList<KnownIdentities.VerifierRow> verifiers(IdentityRegistered event) {
        if (event.tokenVerifiers() == null || event.tokenVerifiers().isEmpty()) {
            throw new UnprocessableEvent("IdentityRegistered for " + event.identityId() + " lists no token verifier");
        }
        var verifiers = new ArrayList<KnownIdentities.VerifierRow>();
        for (IdentityRegistered.TokenVerifier verifier : event.tokenVerifiers()) {
            if (verifier == null || verifier.iss() == null || verifier.sub() == null || verifier.publicKey() == null) {
                throw new UnprocessableEvent("IdentityRegistered for " + event.identityId()
                        + " has a token verifier without iss, sub or publicKey");
            }
            try {
                verifiers.add(new KnownIdentities.VerifierRow(verifier.iss(), verifier.sub(),
                        json.writeValueAsString(verifier.publicKey())));
            } catch (JsonProcessingException e) {
                throw new UnprocessableEvent("IdentityRegistered for " + event.identityId()
                        + " has a public key that is not JSON");
            }
        }
        return verifiers;
    }
}
