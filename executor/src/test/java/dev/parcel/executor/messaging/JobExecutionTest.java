package dev.parcel.executor.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class JobExecutionTest {
    /** The worker id this executor runs as in tests (application.properties, %test profile). */
    private static final String THIS_WORKER = Placements.THIS_WORKER;

    private static JobScheduled place(String worker, String image, Map<String, String> env, String... cmd) {
        return Placements.place(worker, new JobSpec("test", image, List.of(cmd), env, null, null, 1.0, "64M", null));
    }

    private static JobCompleted completion(JobScheduled job) {
        return Placements.completion(job);
    }

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @Test
    void isReadyOnlyWithItsDockerEngine() {
        given().get(readiness).then().statusCode(200)
                .body("checks.find { it.name == 'Docker engine' }.status", equalTo("UP"));
    }

    @Test
    void successfulCommandReportsRunningThenSucceeded() {
        var job = place(THIS_WORKER, TestImages.busybox(), Map.of("GREETING", "hi"), "-c", "test \"$GREETING\" = hi");

        var running = EventBusProbe.await(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(job.jobId()), Placements.PATIENCE);
        assertEquals(JobPhase.Running, running.phase());
        var done = completion(job);
        assertEquals(JobPhase.Succeeded, done.phase(), done.message());
        assertEquals(0, done.exitCode());
        assertEquals(THIS_WORKER, done.workerId());
        Placements.assertRemovedSoon("the container is removed after the job", () -> Placements.containersOf(job));
    }

    @Test
    void failingCommandFailsWithItsExitCode() {
        var done = completion(place(THIS_WORKER, TestImages.busybox(), null, "-c", "exit 3"));

        assertEquals(JobPhase.Failed, done.phase());
        assertEquals(3, done.exitCode());
        assertTrue(done.message().contains("exit code 3"), done.message());
    }

    @Test
    void containerRunsWithoutNetworkWithinItsLimits() {
        // The job inspects its own sandbox: only the loopback interface, and the memory and pids limits it was
        // given, read from cgroup v2 or v1, whichever the engine uses.
        var done = completion(place(THIS_WORKER, TestImages.busybox(), null, "-c", """
                test "$(ls /sys/class/net)" = lo &&
                test "$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" = 67108864 &&
                test "$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)" = 256
                """));

        assertEquals(JobPhase.Succeeded, done.phase(), done.message());
    }

    @Test
    void absentImageThatCannotBePulledFailsSayingOnlyThatItIsNotAvailable() {
        // A registry on a closed loopback port: the pull fails at once and sends nothing off this machine.
        String image = "127.0.0.1:9/parcel-test/absent-" + UUID.randomUUID() + ":latest";

        var done = completion(place(THIS_WORKER, image, null, "-c", "true"));

        assertEquals(JobPhase.Failed, done.phase());
        assertNull(done.exitCode());
        assertEquals("image " + image + " is not available on this worker",
                done.message(), "the engine's reason (what answers at that host and port) stays in the worker's log");
    }

    @Test
    void imageWithoutEntrypointIsRefusedBeforeItStarts() {
        var done = completion(place(THIS_WORKER, TestImages.busyboxWithoutEntrypoint(), null, "-c", "true"));

        assertEquals(JobPhase.Failed, done.phase());
        assertTrue(done.message().contains("no ENTRYPOINT"), done.message());
    }

    @Test
    void placementsForOtherWorkersAreIgnoredAndReplaysRunOnce() {
        var elsewhere = place("some-other-worker", TestImages.busybox(), null, "-c", "true");
        var mine = place(THIS_WORKER, TestImages.busybox(), null, "-c", "true");
        EventBusProbe.publish(Topics.JOB_SCHEDULED, mine.jobId(), mine);

        var done = completion(mine);
        EventBusProbe.assertNone(Topics.JOB_COMPLETED, JobCompleted.class,
                e -> e.jobId().equals(mine.jobId()) && !e.eventId().equals(done.eventId()), Duration.ofSeconds(3));
        EventBusProbe.assertNone(Topics.JOB_STATUS_REPORTED, JobStatusReported.class,
                e -> e.jobId().equals(elsewhere.jobId()), Duration.ofSeconds(1));
    }
}
