package dev.parcel.jobapi.api;

import static dev.parcel.jobapi.api.ApiTestSupport.jobSpec;
import static dev.parcel.jobapi.api.ApiTestSupport.registeredIdentity;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The live status of a job as Server-Sent Events. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class JobEventsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * The read model's consumers hold their partitions: a restarted test application takes a while to rejoin its
     * groups, so reports about unknown jobs (ignored) go to every partition first, and are waited for.
     */
    @org.junit.jupiter.api.BeforeAll
    static void readModelIsListening() {
        for (int partition = 0; partition < 8; partition++) {
            String unknown = "Jwarm-up-" + partition;
            EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, unknown,
                    JobStatusReported.of(unknown, 1, "w", JobPhase.Running, null));
            EventBusProbe.publish(Topics.JOB_COMPLETED, unknown,
                    JobCompleted.of(unknown, 1, "w", JobPhase.Succeeded, JobReason.Completed, 0, "", List.of(), null,
                            null));
        }
        EventBusProbe.awaitConsumed("job-api.status-reported", Topics.JOB_STATUS_REPORTED, Duration.ofSeconds(90));
        EventBusProbe.awaitConsumed("job-api.completed", Topics.JOB_COMPLETED, Duration.ofSeconds(90));
    }

    /** One event as it came over the wire: its id and its data line. */
    record Event(String id, String data) {
    }

    /** Opens the stream and collects its events on another thread until the server closes it. */
    private CompletableFuture<List<Event>> follow(SelfIssuedIdentity who, String jobId, String lastEventId)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                        + "/v1/compute/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + who.token())
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        return CompletableFuture.supplyAsync(() -> {
            var events = new ArrayList<Event>();
            String[] id = {null};
            response.body().forEach(line -> {
                if (line.startsWith("id:")) {
                    id[0] = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    events.add(new Event(id[0], line.substring(5).trim()));
                }
            });
            return events;
        });
    }

    private static String submit(SelfIssuedIdentity who) {
        return given().auth().oauth2(who.token()).contentType(ContentType.JSON).body(jobSpec("live", "-c", "true"))
                .post("/v1/compute/jobs").then().statusCode(201).extract().path("id");
    }

    @Test
    void streamSendsTheCurrentStatusThenEveryChangeAndClosesWhenTheJobEnds() throws Exception {
        var alice = registeredIdentity();
        String id = submit(alice);

        var stream = follow(alice, id, null);
        Thread.sleep(500);
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, JobStatusReported.of(id, 1, "w", JobPhase.Running, null));
        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "w", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0", List.of(), null, null));

        var events = stream.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("1", "2", "3"), events.stream().map(Event::id).toList());
        assertTrue(events.get(0).data().contains("\"phase\":\"Pending\""), events.get(0).data());
        assertTrue(events.get(1).data().contains("\"phase\":\"Running\""), events.get(1).data());
        assertTrue(events.get(2).data().contains("\"phase\":\"Succeeded\""), events.get(2).data());
        assertTrue(events.get(2).data().contains("\"id\":\"" + id + "\""), events.get(2).data());
    }

    @Test
    void reconnectingWithLastEventIdMissesNothingAndRepeatsNothing() throws Exception {
        var alice = registeredIdentity();
        String id = submit(alice);
        EventBusProbe.publish(Topics.JOB_STATUS_REPORTED, id, JobStatusReported.of(id, 1, "w", JobPhase.Running, null));
        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "w", JobPhase.Failed, JobReason.Error, 3, "command failed with exit code 3",
                        List.of(), null, null));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> given().auth()
                .oauth2(alice.token()).get("/v1/compute/jobs/" + id + "/status").path("status.phase")
                .equals("Failed"));

        var afterFirst = follow(alice, id, "1").get(30, TimeUnit.SECONDS);
        assertEquals(List.of("2", "3"), afterFirst.stream().map(Event::id).toList());
        assertTrue(afterFirst.get(1).data().contains("\"exitCode\":3"), afterFirst.get(1).data());
        assertTrue(afterFirst.get(1).data().contains("\"reason\":\"Error\""), afterFirst.get(1).data());
        assertTrue(afterFirst.get(1).data().contains("\"attempt\":1"), afterFirst.get(1).data());
        assertEquals(List.of(), follow(alice, id, "3").get(30, TimeUnit.SECONDS), "an ended job's stream just closes");
    }

    @Test
    void othersCannotFollowTheJob() {
        var alice = registeredIdentity();
        String id = submit(alice);
        var bob = registeredIdentity();

        given().auth().oauth2(bob.token()).accept("text/event-stream").get("/v1/compute/jobs/" + id + "/events")
                .then().statusCode(404);
    }

    /** Streams are held per identity, up to a limit (4 in the tests); one more is a 429 until one closes. */
    @Test
    void oneIdentityHoldsAtMostTheMaximumOfOpenStreams() throws Exception {
        var alice = registeredIdentity();
        String id = submit(alice);
        var open = new ArrayList<CompletableFuture<List<Event>>>();
        for (int i = 0; i < 4; i++) {
            open.add(follow(alice, id, null));
        }

        given().auth().oauth2(alice.token()).accept("text/event-stream").get("/v1/compute/jobs/" + id + "/events")
                .then().statusCode(429).contentType(ContentType.JSON)
                .body("error", org.hamcrest.Matchers.containsString("4 streams open already"));
        var bob = registeredIdentity();
        String bobs = submit(bob);
        var bobsStream = follow(bob, bobs, null); // another identity is not held back: 200
        EventBusProbe.publish(Topics.JOB_COMPLETED, bobs,
                JobCompleted.of(bobs, 1, "w", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0", List.of(), null, null));
        bobsStream.get(30, TimeUnit.SECONDS);

        EventBusProbe.publish(Topics.JOB_COMPLETED, id,
                JobCompleted.of(id, 1, "w", JobPhase.Succeeded, JobReason.Completed, 0,
                        "command exited with exit code 0", List.of(), null, null));
        for (var stream : open) {
            stream.get(30, TimeUnit.SECONDS);
        }
        follow(alice, id, null).get(30, TimeUnit.SECONDS); // room again once the streams closed: 200
    }
}
