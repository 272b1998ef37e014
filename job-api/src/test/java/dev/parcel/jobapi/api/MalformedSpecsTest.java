package dev.parcel.jobapi.api;

import static dev.parcel.jobapi.api.ApiTestSupport.registeredIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.testkit.JsonFuzz;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Generated bad input: 10,000 job specs, each broken in one to three ways drawn from every rule the API enforces
 * (a missing field, a value of the wrong type, an invalid image, env, memory, cpus, mount path, owner or CIDR, a body
 * that is not a JSON object or is too large). Every one must be refused with a 4xx and a JSON error, none may get a
 * 5xx, and the service must still accept a good spec afterwards. The seed is fixed, so a failure repeats; set
 * {@code -Dparcel.fuzz.seed} to explore others.
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class MalformedSpecsTest {
    private static final int SPECS = 10_000;
    /** For each field, values of a JSON type it does not take. */
    private static final Map<String, Object[]> WRONG_TYPES = Map.of(
            "name", new Object[] {42, -1.5, true, List.of("x"), Map.of("k", "v")},
            "image", new Object[] {42, false, List.of("busybox"), Map.of()},
            "memory", new Object[] {512, true, List.of("512M"), Map.of()},
            "cmd", new Object[] {42, true, "echo hi", Map.of("0", "echo")},
            "env", new Object[] {42, true, "A=1", List.of("A=1")},
            "inputDocuments", new Object[] {42, true, "D1", Map.of("id", "D1")},
            "outputDocuments", new Object[] {42, true, "out", Map.of("mountPath", "out")},
            "cpus", new Object[] {true, "1", List.of(1), Map.of()},
            "networkPolicy", new Object[] {42, true, "none", List.of()});
    private static final String[] BAD_MOUNT_PATHS = {"../escape", "/etc/passwd", "a//b", "./a", "a/", "", "a/../../b",
            "a\u0000b", ".", ".."};
    private static final String[] BAD_CIDRS = {"example.com", "10.0.0.0/33", "2001:db8::/129", "1.2.3.4/-1", "",
            "1.2.3/8", "1.2.3.4/8/9", "256.1.1.1", "::g", "localhost"};
    private static final String[] BAD_MEMORY = {"", "0M", "3M", "-4M", "4", "4K", "4m", "1.5G", "M", "G4", "4 G",
            "99999999999G"};
    private static final String[] BAD_IMAGES = {"", "Busybox", "busy box", "busybox:", ":tag", "a//b", "-a", "a/-b",
            "busybox@sha256:1", "http://registry/x", "x".repeat(300)};

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private final List<BiConsumer<Map<String, Object>, Random>> breakages = List.of(
            (spec, random) -> spec.remove(pick(random, "name", "image", "cmd")),
            (spec, random) -> {
                String field = pick(random, WRONG_TYPES.keySet().toArray(String[]::new));
                spec.put(field, pick(random, WRONG_TYPES.get(field)));
            },
            (spec, random) -> spec.put(pick(random, "name", "image"), pick(random, "", " ")),
            (spec, random) -> spec.put("image", pick(random, BAD_IMAGES) + (random.nextBoolean() ? "" : " ")),
            (spec, random) -> spec.put("cmd", List.of("-c", pick(random, 1, true, Map.of(), List.of()))),
            (spec, random) -> spec.put("env", Map.of(pick(random, "PATH", "path", "Path", "1A", "A-B", "A B", ""),
                    "v")),
            (spec, random) -> spec.put("env", Map.of("GOOD", pick(random, 1, true, List.of("x"), Map.of()))),
            (spec, random) -> spec.put("memory", pick(random, (Object[]) BAD_MEMORY)),
            (spec, random) -> spec.put("cpus", pick(random, 0, -1, -0.001, "1", true)),
            (spec, random) -> spec.put("inputDocuments", List.of(Map.of("id", "D1",
                    "mountPath", pick(random, BAD_MOUNT_PATHS)))),
            (spec, random) -> spec.put("inputDocuments", List.of(Map.of("mountPath", "in.csv"))),
            (spec, random) -> spec.put("inputDocuments", List.of(Map.of("id", "D1", "mountPath", "a"),
                    Map.of("id", "D2", "mountPath", "a"))),
            (spec, random) -> spec.put("outputDocuments", List.of(Map.of("mountPath",
                    pick(random, BAD_MOUNT_PATHS)))),
            (spec, random) -> spec.put("outputDocuments", List.of(Map.of("mountPath", "out",
                    "owner", "Inobody" + random.nextInt(1000)))),
            (spec, random) -> spec.put("networkPolicy", Map.of("egress", List.of(Map.of("cidr",
                    pick(random, BAD_CIDRS))))),
            (spec, random) -> spec.put("networkPolicy", Map.of("parcelApiAccess", pick(random, "yes", 1, List.of()))),
            (spec, random) -> spec.put("networkPolicy", Map.of("egress", pick(random, "0.0.0.0/0", 1, Map.of()))));

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static Map<String, Object> goodSpec() {
        var spec = new HashMap<String, Object>();
        spec.put("name", "fuzz");
        spec.put("image", "parcel-test/busybox:latest");
        spec.put("cmd", List.of("-c", "true"));
        return spec;
    }

    /** A spec broken in one to three ways, or a body that is no spec at all. */
    private byte[] malformed(Random random) throws Exception {
        if (random.nextInt(20) == 0) {
            return pick(random, "", "{", "[]", "42", "\"spec\"", "null", "{\"name\": }", "{\"name\": \"x\"",
                    "[".repeat(5000), "x".repeat((1 << 20) + 1)).getBytes(StandardCharsets.UTF_8);
        }
        var spec = goodSpec();
        int breaks = 1 + random.nextInt(3);
        for (int i = 0; i < breaks; i++) {
            breakages.get(random.nextInt(breakages.size())).accept(spec, random);
        }
        return json.writeValueAsBytes(spec);
    }

    private HttpResponse<String> post(SelfIssuedIdentity who, String token, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/compute/jobs"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyMalformedSpecIsAClientErrorWithAJsonMessage() throws Exception {
        long seed = Long.getLong("parcel.fuzz.seed", 20261125L);
        var random = new Random(seed);
        var alice = registeredIdentity();
        String token = alice.token();
        var refusals = new HashMap<Integer, Integer>();
        for (int i = 0; i < SPECS; i++) {
            byte[] body = malformed(random);
            var response = post(alice, token, body);
            String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            if (response.statusCode() < 400 || response.statusCode() >= 500) {
                fail("spec " + i + " (seed " + seed + ") got " + response.statusCode() + ": " + shown + " -> "
                        + response.body());
            }
            var error = json.readTree(response.body()).path("error");
            assertTrue(error.isTextual() && !error.asText().isBlank(), "spec " + i + " (seed " + seed + "): "
                    + shown + " -> " + response.body());
            refusals.merge(response.statusCode(), 1, Integer::sum);
        }
        System.out.println(SPECS + " malformed specs refused, by status: " + refusals);

        assertEquals(201, post(alice, token, json.writeValueAsBytes(goodSpec())).statusCode(),
                "the service still accepts a good spec");
        assertTrue(new ArrayList<>(refusals.keySet()).stream().allMatch(status -> status >= 400 && status < 500));
    }

    /**
     * The other JSON route (identity registration) and the job list's query parameters, with generated bad input
     * ({@link JsonFuzz}): a success or a 4xx with a JSON error, never a 5xx.
     */
    @Test
    void everyMalformedRegistrationAndListQueryIsAClientErrorOrASuccess() throws Exception {
        long seed = Long.getLong("parcel.fuzz.seed", 20261130L);
        var fuzz = new JsonFuzz(seed);
        var answers = new java.util.TreeMap<Integer, Integer>();
        var key = new SelfIssuedIdentity().publicJwk();
        for (int i = 0; i < 1_500; i++) {
            String body = fuzz.body(Map.of("tokenVerifiers", List.of(Map.of("publicKey", key, "sub", "Isub" + i,
                    "iss", "Iiss" + i))));
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                            + "/v1/identities")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            answers.merge(response.statusCode(), 1, Integer::sum);
            JsonFuzz.wrongAnswer(response.statusCode(), response.body()).ifPresent(wrong -> fail(wrong
                    + ": POST /v1/identities " + body.substring(0, Math.min(300, body.length())) + " (seed " + seed
                    + ") -> " + response.statusCode() + " " + response.body()));
        }
        var alice = registeredIdentity();
        var random = new Random(seed);
        String[] values = {"", " ", "-1", "0", "1001", "99999999999", "x", "null", "\u0000", "%", "Inobody",
                "x".repeat(5000)};
        for (int i = 0; i < 1_500; i++) {
            var query = new StringBuilder();
            for (String name : new String[] {"submitter", "input-owner", "page-size", "page-token"}) {
                if (random.nextBoolean()) {
                    query.append(name).append('=').append(java.net.URLEncoder.encode(
                            values[random.nextInt(values.length)], StandardCharsets.UTF_8)).append('&');
                }
            }
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                            + "/v1/compute/jobs?" + query)).header("Authorization", "Bearer " + alice.token())
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            answers.merge(response.statusCode(), 1, Integer::sum);
            JsonFuzz.wrongAnswer(response.statusCode(), response.body()).ifPresent(wrong -> fail(wrong
                    + ": GET /v1/compute/jobs?" + query + " (seed " + seed + ") -> " + response.statusCode() + " "
                    + response.body()));
        }
        System.out.println("malformed registrations and list queries answered, by status: " + answers);
    }
}
