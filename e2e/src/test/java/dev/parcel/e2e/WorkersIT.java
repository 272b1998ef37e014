package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.HostCommands;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workers that die, stop, restart, or lose their Docker engine or the broker under running jobs: every job still
 * ends with its own outcome, runs once, and moves to the other worker when its own never comes back. The platform
 * runs two workers here (this class starts the second and stops it, gracefully, when it ends). It breaks the shared
 * platform on purpose, so it runs after every class but ChaosIT.
 */
@ExtendWith(LocalPlatform.class)
@Order(Integer.MAX_VALUE - 1)
class WorkersIT {
    private static final String FIRST = "executor-1";
    private static final String SECOND = "executor-2";
    private static final String FIRST_WORKER = "e2e-worker-1";
    private static final String SECOND_WORKER = "e2e-worker-2";
    /** The scheduler's default worker lease is 30 s; on top of it the jobs' own run time and a margin. */
    private static final Duration LOST_WORKER_DEADLINE = Duration.ofSeconds(150);
    private static final Duration JOBS_DEADLINE = Duration.ofSeconds(120);
    /** Two of the executors' heartbeats (2 s each) and a margin for a poll of every job's status. */
    private static final Duration ONE_HEARTBEAT_AND_MARGIN = Duration.ofSeconds(5);

    private static SelfIssuedIdentity alice;

    @BeforeAll
    static void aliceAndImage() {
        TestImages.busybox();
        alice = PublicApi.register();
    }

    @BeforeEach
    void bothWorkersRun() {
        LocalPlatform.runWorkers(2);
    }

    @AfterAll
    static void backToOneWorker() {
        if (Faults.running(SECOND)) {
            Faults.stop(SECOND, false);
        }
        LocalPlatform.runWorkers(1);
    }

    /** {@code bin/parcel up --workers 2} really runs two workers: four jobs of one cpu fill both (2 cpus each). */
    @Test
    void jobsArePlacedOnBothWorkers() {
        List<String> jobs = submit(alice, 4, "sleep 5", 1, false);

        awaitAll(alice, jobs, JOBS_DEADLINE, WorkersIT::ended, "ended");
        assertEveryJob(alice, jobs, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");
        assertEquals(java.util.Set.of(FIRST_WORKER, SECOND_WORKER),
                jobs.stream().map(id -> job(alice, id).getString("status.host")).collect(Collectors.toSet()));
    }

    /**
     * {@code kill -9} of the worker running 10 jobs of {@code sleep 20}, never restarted while they finish: once its
     * lease ends they run again on the other worker and succeed there, each output stored once; started again, the
     * dead worker leaves no container of its old attempts behind and reports none of them.
     */
    @Test
    void aWorkerKilledForGoodLosesItsJobsToTheOther() {
        var carol = PublicApi.register();
        Faults.stop(FIRST, false); // drains: every job goes to the second worker
        List<String> jobs = submit(carol, 10, "sleep 20; echo done > /parcel/data/out/r.txt", 0.1, true);
        awaitAll(carol, jobs, Duration.ofSeconds(60), job -> "Running".equals(job.getString("status.phase"))
                && SECOND_WORKER.equals(job.getString("status.host")), "Running on " + SECOND_WORKER);
        LocalPlatform.runWorkers(2);

        Faults.stop(SECOND, true);

        awaitAll(carol, jobs, LOST_WORKER_DEADLINE, WorkersIT::ended, "ended");
        assertEveryJob(carol, jobs, job -> "Succeeded".equals(job.getString("status.phase"))
                && FIRST_WORKER.equals(job.getString("status.host"))
                && job.getList("io.outputDocuments").size() == 1, "Succeeded on " + FIRST_WORKER + ", one output");
        assertEquals(10, documentsOf(carol), "each job's output stored once");

        LocalPlatform.runWorkers(2);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertEquals(List.of(), HostCommands.docker("ps", "-a", "-q", "--filter",
                        "label=dev.parcel.worker-id=" + SECOND_WORKER), "the lost worker's old attempts are gone"));
        assertEveryJob(carol, jobs, job -> "Succeeded".equals(job.getString("status.phase"))
                && FIRST_WORKER.equals(job.getString("status.host")), "still Succeeded on " + FIRST_WORKER);
        assertEquals(10, documentsOf(carol), "the lost worker uploaded nothing when it came back");
    }

    /** {@code kill -9} of an executor while 20 short jobs are in flight, then a restart: all succeed, each ran once. */
    @Test
    void anExecutorKilledAndRestartedRunsEachJobOnce() {
        try (var starts = new ContainerStarts()) {
            List<String> jobs = submit(alice, 20, "sleep 2", 0.2, false);
            awaitAll(alice, List.of(jobs.get(0)), Duration.ofSeconds(60), WorkersIT::startedOrEnded, "started");

            Faults.stop(FIRST, true);
            LocalPlatform.runWorkers(2);

            awaitAll(alice, jobs, JOBS_DEADLINE, WorkersIT::ended, "ended");
            assertEveryJob(alice, jobs, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");
            assertEachStartedOnce(jobs, starts);
        }
    }

    /**
     * SIGTERM to an executor with 5 jobs of {@code sleep 30} running and 5 waiting for room, then a restart: the
     * running ones are kept and succeed, and the waiting ones start as soon as there is room, within a heartbeat.
     */
    @Test
    void aGracefulRestartKeepsRunningJobsAndLosesNoTime() {
        Faults.stop(SECOND, false); // only the first worker takes jobs; its 2 cpus hold five of 0.4
        List<String> running = submit(alice, 5, "sleep 30", 0.4, false);
        awaitAll(alice, running, Duration.ofSeconds(60), job -> "Running".equals(job.getString("status.phase")),
                "Running");
        List<String> waiting = submit(alice, 5, "sleep 30", 0.4, false);
        ChaosIT.pause(Duration.ofSeconds(3));
        assertEveryJob(alice, waiting, job -> "Pending".equals(job.getString("status.phase")), "waiting for room");

        Faults.stop(FIRST, false);
        LocalPlatform.runWorkers(1); // the first worker again, and not the second

        var firstEnded = new HashMap<String, Instant>();
        var waitingStarted = new HashMap<String, Instant>();
        await().atMost(JOBS_DEADLINE.multipliedBy(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            record(running, firstEnded, WorkersIT::ended);
            record(waiting, waitingStarted, WorkersIT::startedOrEnded);
            return firstEnded.size() == running.size() && waitingStarted.size() == waiting.size();
        });
        awaitAll(alice, waiting, JOBS_DEADLINE, WorkersIT::ended, "ended");
        assertEveryJob(alice, running, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");
        assertEveryJob(alice, waiting, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");
        Instant roomMade = firstEnded.values().stream().max(Instant::compareTo).orElseThrow();
        assertAll(waiting.stream().map(job -> () -> assertTrue(
                !waitingStarted.get(job).isAfter(roomMade.plus(ONE_HEARTBEAT_AND_MARGIN)),
                "job " + job + " started " + Duration.between(roomMade, waitingStarted.get(job)).toMillis()
                        + " ms after the last running job ended")));
    }

    /** The Docker engine restarted (live restore) under 5 jobs of {@code sleep 20}: none fails for it. */
    @Test
    void aDockerEngineRestartFailsNoJob() {
        Assumptions.assumeTrue(HostCommands.docker("info", "--format", "{{.LiveRestoreEnabled}}").contains("true"),
                "the Docker engine runs without --live-restore (bin/parcel starts it with it), so a restart of it"
                        + " kills every container");
        List<String> jobs = submit(alice, 5, "sleep 20", 0.2, false);
        awaitAll(alice, jobs, Duration.ofSeconds(60), job -> "Running".equals(job.getString("status.phase")),
                "Running");
        // A job is reported Running just before its container is started; the engine is to restart under
        // containers that run, not under starts in flight (CI restarted it within a second of five starts).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> jobs.stream()
                .allMatch(WorkersIT::containerRuns));

        Faults.restartDockerEngine();

        awaitAll(alice, jobs, JOBS_DEADLINE, WorkersIT::ended, "ended");
        assertEveryJob(alice, jobs, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");

        // Docker 20.10 restores the jobs' input views with mounts it never releases, so it refused the executor's
        // removal of them ("volume has active mounts") until its next start: restart it once more and remove
        // them, so that the test leaves nothing behind.
        Faults.restartDockerEngine();
        for (String job : jobs) {
            for (String volume : HostCommands.docker("volume", "ls", "-q", "--filter", "name=parcel-in-" + job)) {
                HostCommands.docker("volume", "rm", volume);
            }
            assertEquals(List.of(), HostCommands.docker("volume", "ls", "-q", "--filter", "name=parcel-in-" + job),
                    "volumes of job " + job + " left after a second restart of the engine");
        }
    }

    /** The broker stopped for 90 s while jobs finish: every job still ends with its true outcome, once. */
    @Test
    void aBrokerOutageOfNinetySecondsLosesNoOutcome() {
        try (var starts = new ContainerStarts()) {
            brokerOutageOfNinetySeconds(starts);
        }
    }

    private void brokerOutageOfNinetySeconds(ContainerStarts starts) {
        List<String> succeeding = submit(alice, 4, "sleep 5", 0.2, false);
        List<String> failing = submit(alice, 2, "sleep 5; exit 3", 0.2, false);
        var all = new ArrayList<>(succeeding);
        all.addAll(failing);
        awaitAll(alice, all, Duration.ofSeconds(60), job -> "Running".equals(job.getString("status.phase")),
                "Running");

        Faults.stop("kafka", false);
        ChaosIT.pause(Duration.ofSeconds(90));
        LocalPlatform.restartWhatStopped();

        awaitAll(alice, all, JOBS_DEADLINE, WorkersIT::ended, "ended");
        assertEveryJob(alice, succeeding, WorkersIT::succeededWithExitCodeZero, "Succeeded with exit code 0");
        assertEveryJob(alice, failing, job -> "Failed".equals(job.getString("status.phase"))
                && job.getString("status.message").contains("exit code 3"), "Failed with exit code 3");
        assertEachStartedOnce(all, starts);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static List<String> submit(SelfIssuedIdentity submitter, int count, String script, double cpus,
            boolean withOutput) {
        var spec = new HashMap<String, Object>(Map.of("name", "workers", "image", TestImages.BUSYBOX,
                "cmd", List.of("-c", script), "cpus", cpus, "memory", "16M"));
        if (withOutput) {
            spec.put("outputDocuments", List.of(Map.of("mountPath", "r.txt", "owner", submitter.principal())));
        }
        return IntStream.range(0, count).mapToObj(i -> given().auth().oauth2(submitter.token())
                .contentType(ContentType.JSON).body(spec).post("/compute/jobs")
                .then().statusCode(201).extract().<String>path("id")).toList();
    }

    private static JsonPath job(SelfIssuedIdentity submitter, String id) {
        return given().auth().oauth2(submitter.token()).get("/compute/jobs/" + id)
                .then().statusCode(200).extract().jsonPath();
    }

    /** Whether the job's container has been running for a second at least. */
    private static boolean containerRuns(String jobId) {
        List<String> started = HostCommands.docker("ps", "--filter", "label=dev.parcel.job-id=" + jobId,
                "--filter", "status=running", "--format", "{{.ID}}");
        if (started.isEmpty()) {
            return false;
        }
        String since = String.join("", HostCommands.docker("inspect", "-f", "{{.State.StartedAt}}", started.get(0)));
        return Instant.parse(since.strip()).isBefore(Instant.now().minusSeconds(1));
    }

    private static boolean ended(JsonPath job) {
        String phase = job.getString("status.phase");
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static boolean startedOrEnded(JsonPath job) {
        return "Running".equals(job.getString("status.phase")) || ended(job);
    }

    private static boolean succeededWithExitCodeZero(JsonPath job) {
        return "Succeeded".equals(job.getString("status.phase"))
                && job.getString("status.message").contains("exit code 0");
    }

    private static void awaitAll(SelfIssuedIdentity submitter, List<String> jobs, Duration deadline,
            Predicate<JsonPath> condition, String what) {
        var last = new HashMap<String, String>();
        try {
            await().atMost(deadline).pollInterval(Duration.ofMillis(250)).until(() -> jobs.stream().allMatch(id -> {
                JsonPath job = job(submitter, id);
                last.put(id, job.getString("status.phase") + " on " + job.getString("status.host") + ": "
                        + job.getString("status.message"));
                return condition.test(job);
            }));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not every job " + what + " within " + deadline + "; last seen " + last, e);
        }
    }

    private static void assertEveryJob(SelfIssuedIdentity submitter, List<String> jobs, Predicate<JsonPath> condition,
            String what) {
        assertAll(jobs.stream().map(id -> () -> {
            JsonPath job = job(submitter, id);
            assertTrue(condition.test(job), "job " + id + " is not " + what + ": " + job.getString("status.phase")
                    + " on " + job.getString("status.host") + ": " + job.getString("status.message"));
        }));
    }

    /** Notes the first time each job meets {@code condition}. */
    private static void record(List<String> jobs, Map<String, Instant> seen, Predicate<JsonPath> condition) {
        for (String id : jobs) {
            if (!seen.containsKey(id) && condition.test(job(alice, id))) {
                seen.put(id, Instant.now());
            }
        }
    }

    private static int documentsOf(SelfIssuedIdentity owner) {
        return given().auth().oauth2(owner.token()).contentType(ContentType.JSON).body(Map.of("pageSize", 100))
                .post("/documents/search").then().statusCode(200).extract().jsonPath().getList("results").size();
    }

    private static void assertEachStartedOnce(List<String> jobs, ContainerStarts starts) {
        Map<String, Long> started = starts.byJob();
        assertAll(jobs.stream().map(job -> () -> assertEquals(1L, started.getOrDefault(job, 0L),
                "containers started for job " + job + " (Docker's events)")));
    }
}
