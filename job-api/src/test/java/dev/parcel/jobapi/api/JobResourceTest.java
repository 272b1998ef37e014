package dev.parcel.jobapi.api;

import static dev.parcel.jobapi.api.ApiTestSupport.jobSpec;
import static dev.parcel.jobapi.api.ApiTestSupport.registeredIdentity;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.events.DocumentAccessed;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class JobResourceTest {
    private SelfIssuedIdentity alice;

    @BeforeEach
    void registerAlice() {
        alice = registeredIdentity();
    }

    private String submit(SelfIssuedIdentity who, Map<String, Object> spec) {
        return given().auth().oauth2(who.token()).contentType(ContentType.JSON).body(spec)
                .post("/v1/compute/jobs")
                .then().statusCode(201)
                .extract().path("id");
    }

    private String phaseOf(String jobId) {
        return given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + jobId + "/status")
                .then().statusCode(200).extract().path("status.phase");
    }

    @Test
    void submittedJobIsPendingAndAnnouncedOnTheBus() {
        var job = given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(jobSpec("hello", "-c", "echo hi"))
                .post("/v1/compute/jobs")
                .then().statusCode(201)
                .body("id", startsWith("J"))
                .body("createdAt", notNullValue())
                .body("spec.name", equalTo("hello"))
                .body("spec.cmd[1]", equalTo("echo hi"))
                .body("io.accessedDocuments", empty())
                .body("status.phase", equalTo("Pending"))
                .extract().jsonPath();
        String id = job.getString("id");

        var event = EventBusProbe.await(Topics.JOB_SUBMITTED, JobSubmitted.class, e -> e.jobId().equals(id),
                Duration.ofSeconds(30));
        assertEquals(alice.principal(), event.submitter());
        assertEquals("parcel-test/busybox:latest", event.spec().image());

        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + id)
                .then().statusCode(200).body("id", equalTo(id)).body("status.phase", equalTo("Pending"));
    }

    @Test
    void onlyTheSubmitterCanSeeAJob() {
        String id = submit(alice, jobSpec("private", "-c", "true"));
        var bob = registeredIdentity();

        given().auth().oauth2(bob.token()).get("/v1/compute/jobs/" + id)
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2(bob.token()).get("/v1/compute/jobs/" + id + "/status").then().statusCode(404);
        given().auth().oauth2(bob.token()).get("/v1/compute/jobs/Jnonexistent").then().statusCode(404);
    }

    @Test
    void readModelFollowsReportsForwardOnlyAndIgnoresReplays() {
        String id = submit(alice, jobSpec("tracked", "-c", "true"));
        var running = JobStatusReported.of(id, 1, "worker-t", JobPhase.Running, null);
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, running);
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Running"));

        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "worker-t", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0",
                        List.of(), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Succeeded"));

        // A replay and a late failure must not move a finished job; a fresh marker event shows they were read.
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, running);
        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "worker-t", JobPhase.Failed, JobReason.Error, 1, "late", List.of(), null, null));
        String marker = submit(alice, jobSpec("marker", "-c", "true"));
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, marker,
                JobStatusReported.of(marker, 1, "worker-t", JobPhase.Running, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(marker).equals("Running"));

        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + id + "/status")
                .then().statusCode(200)
                .body("status.phase", equalTo("Succeeded"))
                .body("status.message", equalTo("command exited with exit code 0"))
                .body("status.host", equalTo("worker-t"));
    }

    /** What a program reads of an ended job: exit code, reason, start and end, attempt; the message stays. */
    @Test
    void endedJobShowsItsOutcomeForPrograms() {
        String id = submit(alice, jobSpec("outcome", "-c", "exit 3"));
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, JobStatusReported.of(id, 1, "worker-t",
                JobPhase.Running, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Running"));
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + id).then().statusCode(200)
                .body("status.startedAt", notNullValue()).body("status.attempt", equalTo(1))
                .body("status.exitCode", nullValue()).body("status.reason", nullValue());

        Instant started = Instant.parse("2026-12-01T10:00:00Z");
        EventBusProbe.publish(Topics.JOB_COMPLETED, id, JobCompleted.of(id, 1, "worker-t", JobPhase.Failed,
                JobReason.Error, 3, "command failed with exit code 3", List.of(), started, started.plusSeconds(2)));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Failed"));

        for (String path : List.of("/v1/compute/jobs/" + id, "/v1/compute/jobs/" + id + "/status")) {
            given().auth().oauth2(alice.token()).get(path).then().statusCode(200)
                    .body("status.message", equalTo("command failed with exit code 3"))
                    .body("status.exitCode", equalTo(3))
                    .body("status.reason", equalTo("Error"))
                    .body("status.startedAt", equalTo("2026-12-01T10:00:00Z"))
                    .body("status.finishedAt", equalTo("2026-12-01T10:00:02Z"))
                    .body("status.attempt", equalTo(1));
        }
    }

    @Test
    void timeoutIsAWholeNumberOfSecondsMinutesOrHours() {
        var spec = new java.util.HashMap<>(jobSpec("timed", "-c", "true"));
        spec.put("timeout", "90 minutes");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec).post("/v1/compute/jobs")
                .then().statusCode(400).body("error", containsString("timeout: must be a whole number"));
        spec.put("timeout", "90m");
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec).post("/v1/compute/jobs")
                .then().statusCode(201).body("spec.timeout", equalTo("90m"));
    }

    /**
     * The scheduler queues the next attempt of a job whose worker was lost and says so with a Pending report of that
     * attempt; the lost attempt's reports, however late they come, no longer count.
     */
    @Test
    void jobWhoseWorkerWasLostShowsItsNextAttemptAndNoLongerHearsTheLostOne() {
        String id = submit(alice, jobSpec("rescheduled", "-c", "true"));
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id,
                JobStatusReported.of(id, 1, "worker-lost", JobPhase.Running, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Running"));

        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, JobStatusReported.of(id, 2, null, JobPhase.Pending,
                "worker worker-lost was lost; attempt 2 queued"));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Pending"));

        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id,
                JobStatusReported.of(id, 1, "worker-lost", JobPhase.Running, "late"));
        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "worker-lost", JobPhase.Succeeded, JobReason.Completed, 0, "late", List.of(),
                        null, null));
        EventBusProbe.awaitConsumed("job-api.status-reported", Topics.JOB_STATUS_REPORTED, Duration.ofSeconds(30));
        EventBusProbe.awaitConsumed("job-api.completed", Topics.JOB_COMPLETED, Duration.ofSeconds(30));
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + id + "/status")
                .then().statusCode(200)
                .body("status.phase", equalTo("Pending"))
                .body("status.message", equalTo("worker worker-lost was lost; attempt 2 queued"))
                .body("status.host", nullValue());

        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 2, "worker-live", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0",
                        List.of(), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Succeeded"));
    }

    @Test
    void ioListsTheDocumentsTheJobReadAndTheOnesItsOutputsBecame() {
        String id = submit(alice, jobSpec("io", "-c", "true"));
        var firstRead = DocumentAccessed.of("Dinput1", "Iowner", alice.principal(), id);
        EventBusProbe.publish(Topics.DOCUMENT_ACCESSED, "Dinput1", firstRead);
        EventBusProbe.publish(Topics.DOCUMENT_ACCESSED, "Dinput1", firstRead);
        EventBusProbe.publish(Topics.DOCUMENT_ACCESSED, "Dinput2",
                DocumentAccessed.of("Dinput2", "Iowner", alice.principal(), id));
        EventBusProbe.publish(Topics.DOCUMENT_ACCESSED, "Dother",
                DocumentAccessed.of("Dother", "Iowner", alice.principal(), null));
        EventBusProbe.publish(Topics.JOB_COMPLETED, id, JobCompleted.of(id, 1, "worker-t", JobPhase.Succeeded,
                JobReason.Completed, 0,
                "done", List.of(new JobCompleted.OutputDocument("Dresult", "result.csv")), null, null));

        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(alice.token())
                .get("/v1/compute/jobs/" + id).then().extract().jsonPath()
                .getList("io.accessedDocuments").size() == 2 && phaseOf(id).equals("Succeeded"));
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + id)
                .then().statusCode(200)
                .body("io.accessedDocuments", equalTo(List.of("Dinput1", "Dinput2")))
                .body("io.outputDocuments[0].id", equalTo("Dresult"))
                .body("io.outputDocuments[0].mountPath", equalTo("result.csv"));
    }

    @Test
    void submitterTerminatesAnUnfinishedJobAndNobodyElseCan() {
        String id = submit(alice, jobSpec("long", "-c", "sleep 600"));
        var bob = registeredIdentity();

        given().auth().oauth2(bob.token()).delete("/v1/compute/jobs/" + id)
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
        EventBusProbe.assertNone(Topics.JOB_TERMINATION_REQUESTED, JobTerminationRequested.class,
                e -> e.jobId().equals(id), Duration.ofSeconds(2));

        given().auth().oauth2(alice.token()).delete("/v1/compute/jobs/" + id).then().statusCode(204);
        var requested = EventBusProbe.await(Topics.JOB_TERMINATION_REQUESTED, JobTerminationRequested.class,
                e -> e.jobId().equals(id), Duration.ofSeconds(30));
        assertEquals(alice.principal(), requested.requestedBy());
    }

    @Test
    void terminatingAFinishedJobChangesNothing() {
        String id = submit(alice, jobSpec("quick", "-c", "true"));
        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "worker-t", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0",
                        List.of(), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf(id).equals("Succeeded"));

        given().auth().oauth2(alice.token()).delete("/v1/compute/jobs/" + id).then().statusCode(204);

        EventBusProbe.assertNone(Topics.JOB_TERMINATION_REQUESTED, JobTerminationRequested.class,
                e -> e.jobId().equals(id), Duration.ofSeconds(2));
        assertEquals("Succeeded", phaseOf(id));
    }

    @Test
    void specWithoutNameImageOrCmdIsRefusedNamingTheField() {
        for (String field : new String[] {"name", "image", "cmd"}) {
            var spec = new java.util.HashMap<>(jobSpec("x", "-c", "true"));
            spec.remove(field);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                    .post("/v1/compute/jobs")
                    .then().statusCode(400).contentType(ContentType.JSON).body("error", startsWith(field + ":"));
        }
    }

    private void assertRefused(Map<String, Object> extra, String errorStart) {
        var spec = new java.util.HashMap<String, Object>(jobSpec("x", "-c", "true"));
        spec.putAll(extra);
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                .post("/v1/compute/jobs")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", startsWith(errorStart));
    }

    private static List<String> listed(SelfIssuedIdentity who, String query) {
        return given().auth().oauth2(who.token()).get("/v1/compute/jobs" + query)
                .then().statusCode(200).extract().jsonPath().getList("results.id");
    }

    /** A read of one of {@code owner}'s documents made by the job, as the document-store announces it. */
    private static void readBy(String jobId, SelfIssuedIdentity owner, String documentId) {
        EventBusProbe.publish(Topics.DOCUMENT_ACCESSED, documentId,
                DocumentAccessed.of(documentId, owner.principal(), "Ireader", jobId));
    }

    @Test
    void listingShowsOwnJobsAndJobsThatReadOwnDocumentsNewestFirst() {
        var bob = registeredIdentity();
        String first = submit(alice, jobSpec("a1", "-c", "true"));
        String bobsReader = submit(bob, jobSpec("b1", "-c", "true"));
        String second = submit(alice, jobSpec("a2", "-c", "true"));
        String bobsOther = submit(bob, jobSpec("b2", "-c", "true"));
        readBy(bobsReader, alice, "Dalice");
        await().atMost(Duration.ofSeconds(30)).until(() -> listed(alice, "").contains(bobsReader));

        assertEquals(List.of(second, bobsReader, first), listed(alice, ""));
        assertEquals(List.of(bobsReader), listed(alice, "?submitter=" + bob.principal()));
        assertEquals(List.of(bobsReader), listed(alice, "?input-owner=" + alice.principal()));
        assertEquals(List.of(second, first), listed(alice, "?submitter=" + alice.principal()));
        assertEquals(List.of(bobsOther, bobsReader), listed(bob, ""));
        assertEquals(List.of(), listed(bob, "?input-owner=" + alice.principal() + "&submitter=" + alice.principal()));

        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + bobsReader)
                .then().statusCode(200).body("io.accessedDocuments", equalTo(List.of("Dalice")));
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + bobsReader + "/status").then().statusCode(200);
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs/" + bobsOther).then().statusCode(404);
        given().auth().oauth2(alice.token()).delete("/v1/compute/jobs/" + bobsReader).then().statusCode(404);
    }

    @Test
    void pagesAreStableWhileNewJobsArrive() {
        var carol = registeredIdentity();
        var submitted = new java.util.ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            submitted.add(0, submit(carol, jobSpec("p" + i, "-c", "true")));
        }
        var firstPage = given().auth().oauth2(carol.token()).get("/v1/compute/jobs?page-size=2")
                .then().statusCode(200).extract().jsonPath();
        String newer = submit(carol, jobSpec("newer", "-c", "true"));

        var seen = new java.util.ArrayList<String>(firstPage.getList("results.id"));
        String token = firstPage.getString("nextPageToken");
        while (!token.isEmpty()) {
            var page = given().auth().oauth2(carol.token()).get("/v1/compute/jobs?page-size=2&page-token=" + token)
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("results.id"));
            token = page.getString("nextPageToken");
        }

        assertEquals(submitted, seen, "every job once, newest first, and none that arrived after the first page");
        assertEquals(newer, listed(carol, "?page-size=1").get(0));
    }

    @Test
    void badPagingIsRefused() {
        for (String query : new String[] {"?page-size=0", "?page-size=1001", "?page-size=ten"}) {
            given().auth().oauth2(alice.token()).get("/v1/compute/jobs" + query)
                    .then().statusCode(400).body("error", startsWith("page-size:"));
        }
        given().auth().oauth2(alice.token()).get("/v1/compute/jobs?page-token=not-ours")
                .then().statusCode(400).body("error", startsWith("page-token:"));
    }

    @Test
    void specsBreakingARuleAreRefusedNamingTheFieldAndTheRule() {
        assertRefused(Map.of("image", "Not A Reference"), "image: is not a valid Docker image reference");
        assertRefused(Map.of("env", Map.of("Path", "/tmp")), "env.PATH: a job may not set PATH");
        assertRefused(Map.of("memory", "2M"), "memory: must be at least 4M");
        assertRefused(Map.of("memory", "1.5G"), "memory: must be a positive integer followed by M or G");
        assertRefused(Map.of("cpus", 0), "cpus: must be a number greater than 0");
        assertRefused(Map.of("inputDocuments", List.of(Map.of("id", "D1", "mountPath", "../x"))),
                "inputDocuments[0].mountPath: has an empty, '.' or '..' segment");
        assertRefused(Map.of("outputDocuments", List.of(Map.of("mountPath", "a"), Map.of("mountPath", "a"))),
                "outputDocuments[1].mountPath: appears twice");
        assertRefused(Map.of("outputDocuments", List.of(Map.of("mountPath", "a", "owner", "Inobody"))),
                "outputDocuments[0].owner: no identity Inobody");
        assertRefused(Map.of("networkPolicy", Map.of("egress", List.of(Map.of("cidr", "example.com")))),
                "networkPolicy.egress[0].cidr: 'example.com' is not an IPv4 or IPv6");
    }

    @Test
    void valuesOfTheWrongTypeAreRefusedNotConverted() {
        assertRefused(Map.of("cmd", List.of("-c", 1)), "cmd[1]: has the wrong type");
        assertRefused(Map.of("env", Map.of("A", true)), "env.A: has the wrong type");
        assertRefused(Map.of("cpus", "2"), "cpus: has the wrong type");
        assertRefused(Map.of("networkPolicy", Map.of("parcelApiAccess", "yes")),
                "networkPolicy.parcelApiAccess: has the wrong type");
    }

    @Test
    void unknownFieldsAreIgnoredAndLargeRequestsAreClampedNotRefused() {
        var spec = new java.util.HashMap<String, Object>(jobSpec("x", "-c", "true"));
        spec.putAll(Map.of("somethingNew", 1, "cpus", 1000, "memory", "1000G"));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                .post("/v1/compute/jobs")
                .then().statusCode(201);
    }

    /** Under the body limit, but its JobSubmitted would be too large for the broker: the spec's limits say so. */
    @Test
    void aSpecOverASizeLimitIsRefusedNamingTheField() {
        assertRefused(Map.of("cmd", List.of("-c", "x".repeat(900_000))), "cmd: at most 16384 characters in all");
        assertRefused(Map.of("inputDocuments", java.util.stream.IntStream.range(0, 65)
                .mapToObj(i -> Map.of("id", "D" + i, "mountPath", "in" + i)).toList()),
                "inputDocuments: at most 64 documents");
        assertRefused(Map.of("outputDocuments", List.of(Map.of("mountPath", "m".repeat(257)))),
                "outputDocuments[0].mountPath: at most 256 characters");
    }

    @Test
    void aSpecOverOneMebibyteIsTooLarge() {
        var spec = new java.util.HashMap<String, Object>(jobSpec("x", "-c", "true"));
        spec.put("padding", "x".repeat(1 << 20));
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                .post("/v1/compute/jobs")
                .then().statusCode(413).contentType(ContentType.JSON).body("error", containsString("at most"));
    }

    @Test
    void malformedBodiesAreRefusedWithAJsonError() {
        String token = alice.token();
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"name\": ")
                .post("/v1/compute/jobs")
                .then().statusCode(400).body("error", containsString("not valid JSON"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"image\": \"i\", \"cmd\": \"echo hi\"}")
                .post("/v1/compute/jobs")
                .then().statusCode(400).body("error", containsString("cmd"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("")
                .post("/v1/compute/jobs")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2(token).contentType(ContentType.JSON).body("[1, 2]")
                .post("/v1/compute/jobs")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", notNullValue());
    }

    @Test
    void requestsWithoutAGoodTokenAreUnauthorized() {
        var spec = jobSpec("x", "-c", "true");
        given().contentType(ContentType.JSON).body(spec).post("/v1/compute/jobs")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", containsString("missing"));
        given().auth().oauth2("not-a-jwt").contentType(ContentType.JSON).body(spec).post("/v1/compute/jobs")
                .then().statusCode(401).body("error", containsString("well-formed"));
        given().auth().oauth2(new SelfIssuedIdentity().as("Inobody").token()).get("/v1/compute/jobs/J1")
                .then().statusCode(401).body("error", containsString("no identity"));
        given().auth().oauth2(alice.token(SelfIssuedIdentity.PARCEL_AUDIENCE, Instant.now().minusSeconds(600)))
                .get("/v1/identities/me")
                .then().statusCode(401).body("error", containsString("expired"));
        given().auth().oauth2(alice.token("https://elsewhere.example", Instant.now().plusSeconds(600)))
                .get("/v1/identities/me")
                .then().statusCode(401).body("error", containsString("audience"));
        var impostor = new SelfIssuedIdentity().as(alice.principal());
        given().auth().oauth2(impostor.token()).get("/v1/identities/me")
                .then().statusCode(401).body("error", containsString("signature"));
    }

    @Test
    void unknownPathsAnswerWithAJsonError() {
        given().auth().oauth2(alice.token()).get("/v1/compute/nothing-here")
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
    }
}
