package dev.parcel.jobapi.api;

import static dev.parcel.jobapi.api.ApiTestSupport.jobSpec;
import static dev.parcel.jobapi.api.ApiTestSupport.registeredIdentity;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobSpec;
import dev.parcel.jobapi.domain.SpecFingerprint;
import dev.parcel.jobapi.persistence.IdempotencyKeys;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/compute/jobs} with an {@code Idempotency-Key}: one job per key, submitter and day. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class IdempotentSubmissionTest {
    private static final String HEADER = "Idempotency-Key";

    @Inject
    IdempotencyKeys keys;

    private SelfIssuedIdentity alice;

    @BeforeEach
    void registerAlice() {
        alice = registeredIdentity();
    }

    private static ValidatableResponse post(SelfIssuedIdentity who, String key, Object body) {
        var request = given().auth().oauth2(who.token()).contentType(ContentType.JSON).body(body);
        return (key == null ? request : request.header(HEADER, key)).post("/v1/compute/jobs").then();
    }

    private static String submitted(SelfIssuedIdentity who, String key, Object body, int status) {
        return post(who, key, body).statusCode(status).extract().path("id");
    }

    private static List<String> jobsOf(SelfIssuedIdentity who) {
        return given().auth().oauth2(who.token()).get("/v1/compute/jobs?submitter=" + who.principal())
                .then().statusCode(200).extract().jsonPath().getList("results.id");
    }

    /** Moves the submitter's key back in time, as if it had been used {@code hours} ago. */
    private static void ageKeys(SelfIssuedIdentity who, String key, int hours) throws Exception {
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("job_api"));
                var update = connection.prepareStatement("UPDATE idempotency_keys"
                        + " SET created_at = created_at - make_interval(hours => ?)"
                        + " WHERE submitter = ? AND idempotency_key = ?")) {
            update.setInt(1, hours);
            update.setString(2, who.principal());
            update.setString(3, key);
            assertEquals(1, update.executeUpdate());
        }
    }

    private static int keysOf(SelfIssuedIdentity who) throws Exception {
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("job_api"));
                var count = connection.prepareStatement("SELECT count(*) FROM idempotency_keys WHERE submitter = ?")) {
            count.setString(1, who.principal());
            try (var result = count.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    @Test
    void aRetryWithTheSameKeyGetsTheFirstJobAndMakesNoOther() {
        String key = UUID.randomUUID().toString();
        String id = submitted(alice, key, jobSpec("once", "-c", "true"), 201);

        // The same spec written differently, as a client's retry may be.
        post(alice, key, "{ \"cmd\" : [\"-c\", \"true\"],\n  \"image\": \"parcel-test/busybox:latest\","
                + " \"name\": \"once\" }")
                .statusCode(200)
                .body("id", equalTo(id))
                .body("spec.name", equalTo("once"))
                .body("status.phase", equalTo("Pending"));
        assertEquals(id, submitted(alice, key, jobSpec("once", "-c", "true"), 200));

        assertEquals(List.of(id), jobsOf(alice));
    }

    @Test
    void theSameKeyWithAnotherSpecIsRefused() {
        String key = UUID.randomUUID().toString();
        String id = submitted(alice, key, jobSpec("first", "-c", "true"), 201);

        post(alice, key, jobSpec("first", "-c", "false"))
                .statusCode(422).contentType(ContentType.JSON)
                .body("error", startsWith("Idempotency-Key: this key was already used for a different job spec"));

        assertEquals(List.of(id), jobsOf(alice));
    }

    @Test
    void eachIdentityHasItsOwnKeys() {
        var bob = registeredIdentity();
        String key = UUID.randomUUID().toString();

        String alicesJob = submitted(alice, key, jobSpec("shared-key", "-c", "true"), 201);
        String bobsJob = submitted(bob, key, jobSpec("shared-key", "-c", "true"), 201);

        assertNotEquals(alicesJob, bobsJob);
        assertEquals(List.of(alicesJob), jobsOf(alice));
        assertEquals(List.of(bobsJob), jobsOf(bob));
    }

    @Test
    void withoutAKeyEveryRequestMakesAJob() {
        String first = submitted(alice, null, jobSpec("twice", "-c", "true"), 201);
        String second = submitted(alice, null, jobSpec("twice", "-c", "true"), 201);

        assertNotEquals(first, second);
    }

    @Test
    void aKeyThatIsEmptyTooLongNotPrintableAsciiOrRepeatedIsRefusedNamingTheHeader() throws Exception {
        for (String key : new String[] {"", "k".repeat(256), "caf\u00e9", "tab\there"}) {
            post(alice, key, jobSpec("bad-key", "-c", "true"))
                    .statusCode(400).contentType(ContentType.JSON).body("error", startsWith("Idempotency-Key: "));
        }
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(jobSpec("bad-key", "-c", "true"))
                .header(HEADER, "one").header(HEADER, "two")
                .post("/v1/compute/jobs")
                .then().statusCode(400).body("error", equalTo("Idempotency-Key: must be sent at most once"));

        assertEquals(List.of(), jobsOf(alice));
        assertEquals(0, keysOf(alice));
    }

    @Test
    void aRefusedSpecDoesNotUseUpItsKey() {
        String key = UUID.randomUUID().toString();
        var badOwner = new TreeMap<String, Object>(jobSpec("owner", "-c", "true"));
        badOwner.put("outputDocuments", List.of(Map.of("mountPath", "out", "owner", "Inobody")));
        post(alice, key, badOwner).statusCode(400);

        submitted(alice, key, jobSpec("owner", "-c", "true"), 201);
    }

    @Test
    void aKeyOlderThanADayMakesANewJob() throws Exception {
        String key = UUID.randomUUID().toString();
        String first = submitted(alice, key, jobSpec("daily", "-c", "true"), 201);
        ageKeys(alice, key, 25);

        String second = submitted(alice, key, jobSpec("daily", "-c", "false"), 201);

        assertNotEquals(first, second);
        assertEquals(second, submitted(alice, key, jobSpec("daily", "-c", "false"), 200));
        assertEquals(List.of(second, first), jobsOf(alice));
    }

    @Test
    void cleanupDeletesOnlyExpiredKeys() throws Exception {
        String old = UUID.randomUUID().toString();
        submitted(alice, old, jobSpec("old", "-c", "true"), 201);
        submitted(alice, UUID.randomUUID().toString(), jobSpec("recent", "-c", "true"), 201);
        ageKeys(alice, old, 25);

        keys.deleteExpired(Instant.now()).await().indefinitely();

        assertEquals(1, keysOf(alice));
    }

    /**
     * Sends {@code spec} under {@code key} while a transaction of the test's own holds the key for {@code jobId}, as
     * a request that claimed it and has not committed yet would; then ends that transaction, and answers what the
     * request got.
     */
    private ValidatableResponse sentWhileAnotherTransactionHoldsTheKey(String key, String jobId, String name,
            boolean commit) throws Exception {
        var spec = new JobSpec(name, "parcel-test/busybox:latest", List.of("-c", "true"), null, null, null, null, null,
                null);
        var background = Executors.newSingleThreadExecutor();
        try (var connection = DriverManager.getConnection(SharedInfrastructure.jdbcUrl("job_api"))) {
            connection.setAutoCommit(false);
            try (var claim = connection.prepareStatement("INSERT INTO idempotency_keys"
                    + " (submitter, idempotency_key, fingerprint, job_id, created_at) VALUES (?, ?, ?, ?, now())")) {
                claim.setString(1, alice.principal());
                claim.setString(2, key);
                claim.setString(3, SpecFingerprint.of(spec));
                claim.setString(4, jobId);
                claim.executeUpdate();
            }
            var answer = background.submit(() -> post(alice, key, jobSpec(name, "-c", "true")));
            Thread.sleep(1_000);
            assertFalse(answer.isDone(), "the request waits for the transaction holding its key");
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
            return answer.get(30, TimeUnit.SECONDS);
        } finally {
            background.shutdown();
        }
    }

    @Test
    void aRequestWhoseKeyIsHeldUncommittedWaitsAndGetsThatJob() throws Exception {
        String held = submitted(alice, null, jobSpec("held", "-c", "true"), 201);

        sentWhileAnotherTransactionHoldsTheKey(UUID.randomUUID().toString(), held, "held", true)
                .statusCode(200).body("id", equalTo(held));

        assertEquals(List.of(held), jobsOf(alice));
    }

    @Test
    void aRequestWhoseKeyWasHeldByATransactionThatRolledBackMakesTheJob() throws Exception {
        String id = sentWhileAnotherTransactionHoldsTheKey(UUID.randomUUID().toString(), "Jnever", "rolled-back", false)
                .statusCode(201).extract().path("id");

        assertEquals(List.of(id), jobsOf(alice));
    }

    /**
     * However the ten requests of a round interleave, one makes the job and the rest answer with it; the two tests
     * above pin the case where one arrives while another holds the key uncommitted.
     */
    @Test
    void concurrentRequestsWithOneKeyMakeOneJob() throws Exception {
        int parallel = 10;
        var http = HttpClient.newHttpClient();
        var json = new ObjectMapper();
        byte[] body = json.writeValueAsBytes(jobSpec("raced", "-c", "true"));
        String token = alice.token();
        var pool = Executors.newFixedThreadPool(parallel);
        try {
            for (int round = 0; round < 3; round++) {
                var request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + RestAssured.port + "/v1/compute/jobs"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .header(HEADER, UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                var start = new CyclicBarrier(parallel);
                var answers = new ArrayList<Future<HttpResponse<String>>>();
                for (int i = 0; i < parallel; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return http.send(request, HttpResponse.BodyHandlers.ofString());
                    }));
                }
                var statuses = new TreeMap<Integer, Integer>();
                var ids = new HashSet<String>();
                for (var answer : answers) {
                    var response = answer.get();
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                    ids.add(json.readTree(response.body()).path("id").asText());
                }
                assertEquals(Map.of(201, 1, 200, parallel - 1), statuses, "one made the job, the others got it");
                assertEquals(1, ids.size(), "every answer names the same job: " + ids);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, jobsOf(alice).size());
    }
}
