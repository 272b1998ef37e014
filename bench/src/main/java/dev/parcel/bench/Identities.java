package dev.parcel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.testkit.SelfIssuedIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** Registers a new identity through the public API, as any client does first. */
final class Identities {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Identities() {
    }

    static SelfIssuedIdentity register(HttpClient http, String api) throws Exception {
        var identity = new SelfIssuedIdentity();
        var response = http.send(HttpRequest.newBuilder(URI.create(api + "/identities"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("tokenVerifiers", List.of(Map.of("publicKey", identity.publicJwk()))))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("registering an identity answered " + response.statusCode());
        }
        return identity.as(JSON.readTree(response.body()).path("id").asText());
    }
}
