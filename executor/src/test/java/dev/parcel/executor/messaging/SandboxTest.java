package dev.parcel.executor.messaging;

import static dev.parcel.executor.messaging.Placements.THIS_WORKER;
import static dev.parcel.executor.messaging.Placements.completion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestImages;
import dev.parcel.testkit.TestPlatformKey;
import dev.parcel.tokens.JobTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import dev.parcel.testkit.HostCommands;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a job's container can and cannot do: each test is an escape a job might try, with a real container. */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class SandboxTest {
    /** Where the test profile's executor relays a job's API calls (parcel.executor.api-url). */
    private static final int FAKE_API_PORT = 28998;
    private static TestHost testHost;
    private static HttpServer fakeApi;
    private static final AtomicReference<String> apiAuthorization = new AtomicReference<>();
    /** The log chunks the stand-in document-store was sent, by job. */
    private static final Map<String, StringBuilder> logsOfJob = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * As long as the real document-store takes to store a chunk, or longer: a job that prints faster than its log
     * is read ends before the reader has had every line, which the engine's follow then loses.
     */
    private static void pauseAsAStoreWould() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What reached the stand-in API outside a job token's scope: the relay must forward none of it. */
    private static final List<String> outOfScopeRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheHostsJobsMayOrMayNotReach() throws IOException {
        testHost = new TestHost();
        fakeApi = HttpServer.create(new InetSocketAddress("127.0.0.1", FAKE_API_PORT), 0);
        fakeApi.createContext("/v1/documents/", exchange -> {
            apiAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "reached-api".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // The document-store too (parcel.executor.document-store-url in the test profile): it takes log chunks.
        fakeApi.createContext("/v1/jobs/", exchange -> {
            String jobId = exchange.getRequestURI().getPath().split("/")[3];
            byte[] chunk = exchange.getRequestBody().readAllBytes();
            pauseAsAStoreWould();
            logsOfJob.computeIfAbsent(jobId, id -> new StringBuilder()).append(new String(chunk,
                    StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        fakeApi.createContext("/", exchange -> {
            outOfScopeRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        fakeApi.start();
    }

    @AfterAll
    static void stopThem() {
        if (testHost != null) {
            testHost.close();
        }
        if (fakeApi != null) {
            fakeApi.stop(0);
        }
    }

    private static JobScheduled run(JobSpec.NetworkPolicy policy, String script) {
        return Placements.place(THIS_WORKER, new JobSpec("sandbox", TestImages.busybox(), List.of("-c", script), null,
                null, null, 1.0, "64M", policy));
    }

    private static JobCompleted runToEnd(String script) {
        return completion(run(null, script));
    }

    private static void assertSucceeded(JobCompleted done) {
        assertEquals(JobPhase.Succeeded, done.phase(), done.message());
    }

    @Test
    void jobHasNoCapabilitiesAndCannotGainPrivileges() {
        assertSucceeded(runToEnd("""
                grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/self/status || exit 10
                grep -q '^CapBnd:[[:space:]]*0000000000000000$' /proc/self/status || exit 11
                grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/self/status || exit 12
                """));
    }

    @Test
    void onlyTmpAndTheOutputDirectoryAreWritable() {
        assertSucceeded(runToEnd("""
                touch /escape 2>/dev/null && exit 10
                touch /bin/escape 2>/dev/null && exit 11
                touch /parcel/data/in/escape 2>/dev/null && exit 12
                touch /tmp/scratch && touch /parcel/data/out/result || exit 13
                """));
    }

    @Test
    void nothingInTheInputsOrInTmpRuns() {
        // Mount options as the kernel reports them: read-only and noexec at once, which a plain read-only volume
        // is not (the engine's read-only remount drops noexec).
        assertSucceeded(runToEnd("""
                grep ' /parcel/data/in ' /proc/mounts > /tmp/in-mount || exit 10
                grep -q '[ ,]ro[ ,]' /tmp/in-mount || exit 11
                grep -q 'noexec' /tmp/in-mount || exit 12
                grep -q 'nosuid' /tmp/in-mount || exit 13
                printf '#!/bin/sh\ntrue\n' > /tmp/tool && chmod +x /tmp/tool || exit 14
                /tmp/tool true 2>/dev/null && exit 15
                exit 0
                """));
    }

    /**
     * Every line a job prints is stored, each with its stream, even when it prints faster than the log is read and
     * the engine rotates its log file meanwhile (12 MiB against files of 10 MB).
     */
    @Test
    void everyLineAJobPrintsIsStoredWithItsStream() {
        var job = run(null, "head -c 12582912 /dev/zero | tr '\\0' x | fold -w 1023; echo; echo the end;"
                + " echo oops >&2");

        assertSucceeded(completion(job));

        String[] lines = logsOfJob.getOrDefault(job.jobId(), new StringBuilder()).toString().split("\n");
        long full = Arrays.stream(lines).filter(line -> line.contains("\"line\":\"" + "x".repeat(1023) + "\"")).count();
        assertTrue(full >= 12_299, "lines of 1023 x stored: " + full + " of 12,299");
        assertTrue(lines[lines.length - 1].contains("\"stream\":\"stderr\"") || Arrays.stream(lines)
                .anyMatch(line -> line.contains("\"stream\":\"stderr\",\"line\":\"oops\"")));
        assertTrue(Arrays.stream(lines).anyMatch(line -> line.contains("\"stream\":\"stdout\",\"line\":\"the end\"")));
    }

    @Test
    void forkBombIsStoppedByThePidsLimit() {
        // A subshell forks sleepers until fork fails, which ends it; `read` and `[` are shell built-ins, so the
        // count of processes left (the sleepers and this shell) needs no fork.
        var done = runToEnd("""
                (i=0; while [ $i -lt 1000 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null
                read n < /sys/fs/cgroup/pids/pids.current 2>/dev/null || read n < /sys/fs/cgroup/pids.current
                [ "$n" -le 256 ] && [ "$n" -ge 200 ] || exit 10
                """);

        assertSucceeded(done);
        assertSucceeded(runToEnd("true"));
    }

    @Test
    void memoryBombEndsWithTheOutOfMemoryMessage() {
        var done = runToEnd("x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done");

        assertEquals(JobPhase.Failed, done.phase());
        assertTrue(done.message().contains("out of memory"), done.message());
    }

    @Test
    void environmentSettingPathIsRefusedBeforeAnythingStarts() {
        var job = Placements.place(THIS_WORKER, new JobSpec("path", TestImages.busybox(), List.of("-c", "true"),
                Map.of("path", "/tmp"), null, null, 1.0, "64M", null));

        var done = completion(job);

        assertEquals(JobPhase.Failed, done.phase());
        assertNull(done.exitCode());
        assertTrue(done.message().contains("PATH"), done.message());
    }

    @Test
    void egressReachesOnlyTheListedNetworksNeverTheHost() throws IOException {
        try (var hostListener = new ServerSocket(0)) {
            var accepted = new AtomicInteger();
            var acceptor = new Thread(() -> {
                try {
                    while (true) {
                        hostListener.accept().close();
                        accepted.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            var policy = new JobSpec.NetworkPolicy(List.of(new JobSpec.EgressPeer(testHost.allowedAddress + "/32")),
                    false);

            var done = completion(run(policy, reach(testHost.allowedAddress) + " || exit 10\n"
                    + reach(testHost.deniedAddress) + " && exit 11\n"
                    + "gateway=$(ip route | awk '/default/ {print $3}')\n"
                    + "echo | nc -w 3 $gateway " + hostListener.getLocalPort() + " && exit 12\n"
                    + "exit 0"));

            assertSucceeded(done);
            assertEquals(0, accepted.get(), "the host's own listener was reached");
        }
        Placements.assertRemovedSoon("the job network is removed", () -> HostCommands.docker("network", "ls", "-q",
                "--filter", "label=dev.parcel.worker-id=" + THIS_WORKER));
        Placements.assertRemovedSoon("the job's firewall rules are removed", () -> HostCommands.run(
                List.of("iptables", "-S")).stream().filter(rule -> rule.contains("PARCEL-")).toList());
    }

    @Test
    void noFileGrowsPastTheOutputLimitNotEvenASparseOne() {
        assertSucceeded(runToEnd("""
                truncate -s 3G /parcel/data/out/sparse && exit 10
                test "$(stat -c %s /parcel/data/out/sparse 2>/dev/null || echo 0)" -le 1048576 || exit 11
                exit 0
                """));
    }

    @Test
    void outputsReachedThroughALinkAreNeitherFollowedNorKept() {
        var job = Placements.place(THIS_WORKER, new JobSpec("links", TestImages.busybox(), List.of("-c",
                "ln -s /etc/hostname /parcel/data/out/hostname && ln -s / /parcel/data/out/root"),
                null, null, List.of(new JobSpec.OutputDocument("hostname", null),
                        new JobSpec.OutputDocument("root/etc/hostname", null)), 1.0, "64M", null));

        JobCompleted done = completion(job);

        assertSucceeded(done);
        assertEquals(List.of(), done.outputDocuments());
        assertTrue(outOfScopeRequests.stream().noneMatch(request -> request.contains("/v1/storage")),
                outOfScopeRequests::toString);
    }

    @Test
    void outputsLargerThanTheLimitTogetherFailTheJobNamingItAndNoneIsKept() {
        var job = Placements.place(THIS_WORKER, new JobSpec("outputs", TestImages.busybox(), List.of("-c",
                "head -c 700000 /dev/zero > /parcel/data/out/a && head -c 700000 /dev/zero > /parcel/data/out/b"),
                null, null, List.of(new JobSpec.OutputDocument("a", null), new JobSpec.OutputDocument("b", null)),
                1.0, "64M", null));

        JobCompleted done = completion(job);

        assertEquals(JobPhase.Failed, done.phase());
        assertEquals("failed: its outputs are larger than this worker's limit of 1 MiB (reached at b)",
                done.message());
        assertEquals(List.of(), done.outputDocuments());
    }

    @Test
    void withoutAPolicyNothingIsReachable() {
        assertSucceeded(runToEnd(reach(testHost.allowedAddress) + " && exit 10\n"
                + "test \"$(ls /sys/class/net)\" = lo || exit 11"));
    }

    @Test
    void apiAccessReachesOnlyTheApiWithAJobTokenForThisJob() throws Exception {
        var job = run(new JobSpec.NetworkPolicy(List.of(), true), """
                address=${PARCEL_API_URL#http://}; address=${address%%/*}
                case "$PARCEL_TOKEN" in parcel-job-handle.*) ;; *) exit 12 ;; esac
                # busybox nc stops reading when its input ends, so the input stays open until the answer is in.
                relayed() {
                  (printf '%s %s HTTP/1.0\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n' "$1" "$2" "$3"; sleep 1) \\
                    | nc -w 5 ${address%:*} ${address#*:}
                }
                relayed GET /v1/documents/Dsome forged | grep -q '^HTTP/1.. 401' || exit 13
                relayed GET /v1/documents/Dsome "$PARCEL_TOKEN" | grep -q reached-api || exit 10
                relayed GET /v1/identities/me "$PARCEL_TOKEN" | grep -q '^HTTP/1.. 403' || exit 14
                relayed POST /v1/identities "$PARCEL_TOKEN" | grep -q '^HTTP/1.. 403' || exit 15
                relayed GET /v1/documents/../identities/me "$PARCEL_TOKEN" | grep -q '^HTTP/1.. 400' || exit 16
                relayed GET /v1/documents/%2e%2e/identities "$PARCEL_TOKEN" | grep -q '^HTTP/1.. 400' || exit 17
                """ + reach(testHost.allowedAddress) + " && exit 11\nexit 0");

        assertSucceeded(completion(job));
        String token = apiAuthorization.get().substring("Bearer ".length());
        var claims = JobTokens.verify(token, TestPlatformKey.publicKey(),
                List.of("https://api.oasislabs.com/parcel"), Duration.ZERO, Instant.now());
        assertEquals(job.jobId(), claims.jobId());
        assertEquals("Isubmitter", claims.submitter());
        assertEquals(JobTokens.Use.RELAY, claims.use(), "the relay sends a token for the job's own requests");
        assertEquals(List.of(), outOfScopeRequests, "requests outside a job token's scope were forwarded");
    }

    @Test
    void runningJobIsKilledWhenItsSubmitterTerminatesIt() {
        var job = run(null, "sleep 300");
        EventBusProbe.await(Topics.JOB_STATUS_REPORTED, JobStatusReported.class, e -> e.jobId().equals(job.jobId()),
                Placements.PATIENCE);
        long asked = System.nanoTime();

        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, job.jobId(),
                JobTerminationRequested.of(job.jobId(), "Isubmitter"));

        var done = completion(job);
        assertEquals(JobPhase.Failed, done.phase());
        assertEquals("terminated by its submitter while it ran", done.message());
        assertTrue(System.nanoTime() - asked < Duration.ofSeconds(10).toNanos(), "killed within seconds");
        Placements.assertRemovedSoon("the container is removed", () -> Placements.containersOf(job));
    }

    @Test
    void jobTerminatedBeforeItsPlacementArrivesNeverStarts() {
        String jobId = "J" + java.util.UUID.randomUUID();
        EventBusProbe.publish(Topics.JOB_TERMINATION_REQUESTED, jobId, JobTerminationRequested.of(jobId, "I1"));
        EventBusProbe.awaitConsumed("executor-" + THIS_WORKER + ".termination-requested",
                Topics.JOB_TERMINATION_REQUESTED, Placements.PATIENCE);
        var job = JobScheduled.of(jobId, 1, THIS_WORKER, "I1", 0.5, 64L << 20, new JobSpec("late",
                TestImages.busybox(), List.of("-c", "true"), null, null, null, null, null, null));

        EventBusProbe.publish(Topics.JOB_SCHEDULED, jobId, job);

        var done = completion(job);
        assertEquals("terminated by its submitter before it started", done.message());
        EventBusProbe.assertNone(Topics.JOB_STATUS_REPORTED, JobStatusReported.class, e -> e.jobId().equals(jobId),
                Duration.ofSeconds(1));
    }

    @Test
    void jobOverTheMaximumRunTimeIsKilled() {
        var done = runToEnd("sleep 300");

        assertEquals(JobPhase.Failed, done.phase());
        assertTrue(done.message().contains("maximum run time"), done.message());
    }

    /** A shell test that succeeds when the job opens a connection to the test host's address and hears it. */
    private static String reach(String address) {
        return "(echo | nc -w 3 " + address + " " + TestHost.PORT + " 2>/dev/null | grep -q " + TestHost.ANSWER + ")";
    }
}
