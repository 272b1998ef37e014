package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.e2e.Bus.DeadLetter;
import dev.parcel.e2e.Bus.Position;
import dev.parcel.e2e.Bus.Sent;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Issue 10: the platform survives what a deployment meets. One test per fault, done to the platform the suite
 * started: a PostgreSQL restart, a Kafka outage, records no consumer can apply, services killed in turn. Jobs are
 * submitted before, during and after each; afterwards every job the API accepted ends {@code Succeeded} within
 * {@link #JOBS_DEADLINE} of the fault's end, and every service is ready within {@link #READY_DEADLINE} of it. Each
 * test prints how long the platform took to recover.
 *
 * <p>It breaks the shared platform on purpose, so it runs after every other class (its {@code @Order}, with the
 * class orderer of junit-platform.properties). A test that fails may leave the platform broken: the next test, and
 * the end of the class, restart the services first, so each verdict is about its own fault, and the platform is
 * left as healthy as it can be made.
 */
@ExtendWith(LocalPlatform.class)
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
    private static final Duration JOBS_DEADLINE = Duration.ofSeconds(120);
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration DEAD_LETTER_DEADLINE = Duration.ofSeconds(60);
    /** How long after a fault a refused submission (or registration) is tried again before the test gives up. */
    private static final Duration RETRY_DEADLINE = Duration.ofSeconds(60);
    private static final String WORKER = "e2e-worker-1";
    /** The topics that have a consumer: each gets bad records in {@link #badRecordsGoToDeadLetterTopics()}. */
    private static final List<String> CONSUMED_TOPICS = List.of("parcel.identities.registered",
            "parcel.jobs.submitted", "parcel.jobs.scheduled", "parcel.jobs.status-reported", "parcel.jobs.completed",
            "parcel.jobs.termination-requested", "parcel.workers.heartbeat", "parcel.documents.accessed");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SelfIssuedIdentity submitter;
    private static RestAssuredConfig suiteConfig;
    /** False while a test runs, and after one that failed: the platform may then be left broken. */
    private static boolean platformKnownHealthy = true;
    /** The bad records written so far: a consumer stuck on them is moved past them when the platform is repaired. */
    private static final List<Sent> badRecordsWritten = new ArrayList<>();
    /** Which topics each consumer group read before the bad records were written. */
    private static final Map<String, Set<String>> readers = new HashMap<>();

    /** The jobs this test submitted (JUnit makes an instance per test). */
    private final List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
    /** The identities this test registered. */
    private final List<Registered> identities = Collections.synchronizedList(new ArrayList<>());
    private volatile String lastRefusal = "none";
    /** Answers that blamed the platform itself (a 500): an outage must be a 503 or no answer, never a bug's answer. */
    private final List<String> internalErrors = Collections.synchronizedList(new ArrayList<>());

    private record Job(String id, String when) {
    }

    private record Registered(SelfIssuedIdentity identity, String when, Instant at) {
    }

    @BeforeAll
    static void submitterAndImage() {
        suiteConfig = RestAssured.config;
        // A fault can leave a request unanswered; without timeouts a test would hang instead of failing.
        RestAssured.config = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", 2_000).setParam("http.socket.timeout", 15_000));
        TestImages.busybox();
        submitter = PublicApi.register();
    }

    @BeforeEach
    void startFromAHealthyPlatform(TestInfo test) {
        if (!platformKnownHealthy || !healthy()) {
            log("before %s: the platform may be broken (the test before failed, or something is down: %s);"
                    + " restarting its services", test.getDisplayName(), Faults.notReady());
            repair();
        }
        platformKnownHealthy = false;
    }

    @AfterAll
    static void leaveThePlatformHealthy() {
        try {
            if (!platformKnownHealthy || !healthy()) {
                log("after the chaos tests: the platform may be broken (%s); restarting its services",
                        Faults.notReady());
                repair();
                if (!healthy()) {
                    fail("the platform is not healthy after its repair: " + Faults.notReady());
                }
            }
        } finally {
            RestAssured.config = suiteConfig;
        }
    }

    private static boolean healthy() {
        return Faults.running("kafka") && Faults.running("postgres") && Faults.notReady().isEmpty();
    }

    /**
     * Stops every service (SIGTERM), moves consumers stuck on the bad records past them, and starts again whatever is
     * not running. A fresh process has none of the state a fault may have broken in the old one.
     */
    private static void repair() {
        for (String service : Faults.SERVICES.keySet()) {
            if (Faults.running(service)) {
                Faults.stop(service, false);
            }
        }
        if (!badRecordsWritten.isEmpty() && Faults.running("kafka")) {
            try (var bus = new Bus()) {
                bus.skip(badRecordsWritten, readers);
            } catch (RuntimeException e) {
                log("could not move the consumer groups past the bad records: %s", e);
            }
        }
        long started = System.nanoTime();
        LocalPlatform.restartWhatStopped();
        log("repaired: every service restarted and ready in %.1f s", secondsSince(started));
    }

    // ---- the faults -----------------------------------------------------------------------------------------------

    /**
     * {@code pg_ctl restart -m fast}: every connection of every service is cut, some while a consumer is applying an
     * event (a backlog of registrations is on the bus for the document-store, jobs and identities keep coming).
     * Afterwards the services work again, and so do their consumers: jobs submitted around it run, and identities
     * registered around it (on the bus before and while it ran, through the API while it ran and after it) are
     * learned by the document-store, so they can upload.
     */
    @Test
    @Order(1)
    void postgresRestart() {
        String fault = "the PostgreSQL restart";
        submit(4, "before " + fault, Instant.now().plus(RETRY_DEADLINE));
        long started = System.nanoTime();
        Instant faultEnd;
        try (var bus = new Bus()) {
            // A backlog of registrations, so the document-store is applying them while the cluster goes down.
            identities.add(writeRegistrations(bus, 500, "on the bus when " + fault + " began"));
            faultEnd = whileSubmitting("during " + fault, Duration.ofMillis(200), () -> {
                tryRegister("during " + fault);
                identities.add(writeRegistrations(bus, 50, "on the bus during " + fault));
            }, Faults::restartPostgres);
        }
        log("%s: pg_ctl restart -m fast took %.1f s; %d identities registered or on the bus while it ran", fault,
                secondsSince(started), identities.size());
        submit(4, "after " + fault, faultEnd.plus(RETRY_DEADLINE));
        identities.add(retried("registering an identity after " + fault, faultEnd.plus(RETRY_DEADLINE),
                () -> new Registered(PublicApi.register(), "after " + fault, Instant.now())));

        assertRecovered(fault,
                () -> assertEveryServiceReady(fault, faultEnd),
                () -> assertEveryIdentityCanUpload(fault, faultEnd),
                () -> assertEveryJobSucceeded(fault, faultEnd));
        platformKnownHealthy = true;
    }

    /**
     * The broker stopped (SIGTERM) for 80 s, longer than its clients' API timeout (60 s), while consumers hold records
     * they fetched and have not taken yet, and started again by {@code bin/parcel up}. PostgreSQL stops first, so the
     * document-store's consumer of a backlog of registrations waits for it at its first record; the broker stops;
     * PostgreSQL comes back, and the consumer goes on to records of partitions it had taken none from since it
     * started, while the broker is still away. (The services are restarted first: a consumer may ask the broker for
     * a partition's committed offset when it takes that partition's first record, which once stopped a channel for
     * good.) Jobs submitted while the broker is away wait in the job-api's outbox; none is lost, the registrations
     * are learned and every consumer goes on.
     */
    @Test
    @Order(2)
    void kafkaOutageOfEightySecondsWithABacklogFetched() {
        String fault = "the 80 s Kafka outage";
        submit(4, "before " + fault, Instant.now().plus(RETRY_DEADLINE));
        for (String service : Faults.SERVICES.keySet()) {
            Faults.stop(service, false);
        }
        LocalPlatform.restartWhatStopped();
        Faults.stopPostgres();
        try (var bus = new Bus()) {
            identities.add(writeRegistrations(bus, 200, "on the bus when " + fault + " began"));
        }
        pause(Duration.ofSeconds(5));
        Duration stopping = Faults.stop("kafka", false);
        Instant stopped = Instant.now();
        log("%s: the broker exited %.1f s after SIGTERM", fault, stopping.toMillis() / 1000.0);
        Faults.startPostgres();
        whileSubmitting("during " + fault, Duration.ofSeconds(2), () -> pauseUntil(stopped.plusSeconds(80)));

        Instant faultEnd = restartedListening(LocalPlatform.KAFKA_PORT);
        log("%s: the broker was away %.1f s", fault, Duration.between(stopped, faultEnd).toMillis() / 1000.0);
        submit(4, "after " + fault, faultEnd.plus(RETRY_DEADLINE));

        assertRecovered(fault,
                () -> assertEveryServiceReady(fault, faultEnd),
                () -> assertEveryIdentityCanUpload(fault, faultEnd),
                () -> assertEveryJobSucceeded(fault, faultEnd));
        platformKnownHealthy = true;
    }

    /**
     * {@code kill -9} of the scheduler, then the job-api, then the document-store, each started again by
     * {@code bin/parcel up} before the next is killed, each while 20 jobs are in flight.
     */
    @Test
    @Order(3)
    void servicesKilledInTurn() {
        Instant faultEnd = Instant.now();
        for (String service : List.of("scheduler", "job-api", "document-store")) {
            String fault = "kill -9 of the " + service;
            int inFlight = keepInFlight(20, "before " + fault);
            Faults.stop(service, true);
            faultEnd = Instant.now();
            long restarting = System.nanoTime();
            whileSubmitting("while the " + service + " restarted", Duration.ofSeconds(1),
                    LocalPlatform::restartWhatStopped);
            log("%s with %d jobs in flight: bin/parcel up had it back and every service ready in %.1f s", fault,
                    inFlight, secondsSince(restarting));
            assertEveryServiceReady(fault, faultEnd);
        }
        String fault = "the kills";
        submit(3, "after " + fault, faultEnd.plus(RETRY_DEADLINE));

        Instant lastRestart = faultEnd;
        assertRecovered(fault, () -> assertEveryJobSucceeded(fault, lastRestart));
        platformKnownHealthy = true;
    }

    /**
     * Two undecodable records and one well-formed event of an unknown version on every topic that has a consumer.
     * Each consumer moves past them and leaves each on the topic's dead-letter topic (see {@link Bus});
     * jobs keep flowing. Runs last: on a platform whose consumers cannot get past such records, nothing flows after.
     */
    @Test
    @Order(4)
    void badRecordsGoToDeadLetterTopics() {
        String fault = "the bad records";
        submit(3, "before " + fault, Instant.now().plus(RETRY_DEADLINE));
        try (var bus = new Bus()) {
            Map<TopicPartition, Long> deadLettersFrom = bus.deadLetterEnds(CONSUMED_TOPICS);
            readers.putAll(bus.readers(CONSUMED_TOPICS));
            var records = new ArrayList<ProducerRecord<String, String>>();
            unknownVersionEvents().forEach((topic, event) -> {
                for (String value : List.of("not json", "{\"truncated\":", event.json())) {
                    records.add(new ProducerRecord<>(topic, event.key(), value));
                }
            });
            List<Sent> sent = bus.write(records);
            badRecordsWritten.addAll(sent);
            Instant faultEnd = Instant.now();
            log("%s: wrote %d records to %d topics: %s", fault, sent.size(), CONSUMED_TOPICS.size(), sent);
            submit(3, "after " + fault, faultEnd.plus(RETRY_DEADLINE));

            assertRecovered(fault,
                    () -> assertEveryServiceReady(fault, faultEnd),
                    () -> assertDeadLettered(bus, sent, deadLettersFrom, faultEnd),
                    () -> assertEveryJobSucceeded(fault, faultEnd));
        }
        platformKnownHealthy = true;
    }

    // ---- what each test asserts -----------------------------------------------------------------------------------

    /**
     * Runs the checks of a fault side by side (each waits up to its own deadline, counted from the fault's end, so
     * each measures its own recovery), then checks that every service is still ready once they are done: a consumer
     * may fail only when the record that breaks it arrives. Reports every failure.
     */
    private void assertRecovered(String fault, Executable... checks) {
        var running = Executors.newFixedThreadPool(checks.length);
        try {
            var outcomes = new ArrayList<Future<Throwable>>();
            for (Executable check : checks) {
                outcomes.add(running.submit(() -> {
                    try {
                        check.execute();
                        return null;
                    } catch (Throwable failure) {
                        return failure;
                    }
                }));
            }
            var results = new ArrayList<Executable>();
            for (Future<Throwable> outcome : outcomes) {
                Throwable failure = outcome.get();
                results.add(() -> {
                    if (failure != null) {
                        throw failure;
                    }
                });
            }
            results.add(() -> {
                if (!internalErrors.isEmpty()) {
                    fail(String.format("around %s the job-api answered 500: %s", fault, internalErrors));
                }
            });
            results.add(() -> {
                Map<String, String> notReady = Faults.notReady();
                if (!notReady.isEmpty()) {
                    fail(String.format("once the checks of %s were done, not ready: %s", fault, notReady));
                }
            });
            assertAll(fault, results);
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            running.shutdownNow();
        }
    }

    private static void assertEveryServiceReady(String fault, Instant faultEnd) {
        Instant deadline = faultEnd.plus(READY_DEADLINE);
        Map<String, String> notReady = Faults.notReady();
        while (!notReady.isEmpty() && Instant.now().isBefore(deadline)) {
            pause(Duration.ofMillis(200));
            notReady = Faults.notReady();
        }
        Duration took = Duration.between(faultEnd, Instant.now());
        if (!notReady.isEmpty()) {
            fail(String.format("%d s after %s ended, not ready: %s", READY_DEADLINE.toSeconds(), fault, notReady));
        }
        if (took.compareTo(READY_DEADLINE) > 0) {
            fail(String.format("every service was ready only %.1f s after %s ended", took.toMillis() / 1000.0, fault));
        }
        log("%s: every service ready %.1f s after it ended", fault, took.toMillis() / 1000.0);
    }

    /** Waits until every job this test submitted has ended, or until the deadline; each must have Succeeded. */
    private void assertEveryJobSucceeded(String fault, Instant faultEnd) {
        Instant deadline = faultEnd.plus(JOBS_DEADLINE);
        var status = new LinkedHashMap<Job, String>();
        List<Job> submitted = List.copyOf(jobs);
        var open = new LinkedHashSet<>(submitted);
        do {
            for (Job job : List.copyOf(open)) {
                String now = status(job.id());
                status.put(job, now);
                if (now.startsWith("Succeeded") || now.startsWith("Failed")) {
                    open.remove(job);
                }
            }
            if (!open.isEmpty()) {
                pause(Duration.ofMillis(250));
            }
        } while (!open.isEmpty() && Instant.now().isBefore(deadline));
        var unsuccessful = submitted.stream().filter(job -> !status.get(job).startsWith("Succeeded"))
                .map(job -> job.id() + " (submitted " + job.when() + "): " + status.get(job)).toList();
        if (!unsuccessful.isEmpty()) {
            fail(String.format("%d of the %d jobs submitted around %s did not end Succeeded within %d s of its end:"
                    + "%n  %s", unsuccessful.size(), submitted.size(), fault, JOBS_DEADLINE.toSeconds(),
                    String.join("\n  ", unsuccessful)));
        }
        log("%s: all %d jobs Succeeded, the last %.1f s after it ended", fault, submitted.size(),
                Duration.between(faultEnd, Instant.now()).toMillis() / 1000.0);
    }

    /** "Phase: message" of a job, or what the API answered instead. */
    private static String status(String jobId) {
        try {
            Response response = given().auth().oauth2(submitter.token()).get("/compute/jobs/" + jobId);
            if (response.statusCode() != 200) {
                return "GET answered " + response.statusCode() + " " + response.body().asString();
            }
            return response.path("status.phase") + ": " + response.path("status.message");
        } catch (Exception e) { // RestAssured throws ConnectException undeclared
            return "GET got no answer (" + e + ")";
        }
    }

    /**
     * Every identity this test registered is learned by the document-store (it answers a 404, not a 401, for a
     * document that does not exist) within {@link #READY_DEADLINE} of the fault's end or of its registration,
     * whichever is later, and can upload a document.
     */
    private void assertEveryIdentityCanUpload(String fault, Instant faultEnd) {
        var problems = new ArrayList<String>();
        for (Registered registered : List.copyOf(identities)) {
            SelfIssuedIdentity identity = registered.identity();
            Instant deadline = (registered.at().isAfter(faultEnd) ? registered.at() : faultEnd).plus(READY_DEADLINE);
            String answer = documentStoreAnswer(identity);
            while (!answer.startsWith("404") && Instant.now().isBefore(deadline)) {
                pause(Duration.ofMillis(200));
                answer = documentStoreAnswer(identity);
            }
            if (!answer.startsWith("404")) {
                problems.add(String.format("%s (registered %s) is unknown to the document-store %d s later:"
                        + " GET /v1/documents/Dnothing answered %s", identity.principal(), registered.when(),
                        READY_DEADLINE.toSeconds(), answer));
                continue;
            }
            Response upload = given().auth().oauth2(identity.token())
                    .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                    .multiPart("data", "data", "chaos".getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                    .post("/storage");
            if (upload.statusCode() != 201) {
                problems.add(String.format("%s (registered %s) could not upload: POST /v1/storage answered %d %s",
                        identity.principal(), registered.when(), upload.statusCode(), upload.body().asString()));
            }
        }
        if (!problems.isEmpty()) {
            fail(String.format("%d of the %d identities registered around %s cannot upload a document:%n  %s",
                    problems.size(), identities.size(), fault, String.join("\n  ", problems)));
        }
        log("%s: all %d identities registered around it uploaded a document, the last %.1f s after it ended",
                fault, identities.size(), Duration.between(faultEnd, Instant.now()).toMillis() / 1000.0);
    }

    private static String documentStoreAnswer(SelfIssuedIdentity identity) {
        try {
            Response response = given().auth().oauth2(identity.token()).get("/documents/Dnothing");
            return response.statusCode() + " " + response.body().asString();
        } catch (Exception e) { // RestAssured throws ConnectException undeclared
            return "no answer (" + e + ")";
        }
    }

    /**
     * For each topic T: {@code T.dead-letter} exists and holds exactly the bad records written to T. The distinct
     * positions its records name equal the positions the broker gave the bad records (several consumer groups read
     * some topics, so a record may be there once per group), each has the value that was written and a reason.
     */
    private static void assertDeadLettered(Bus bus, List<Sent> sent, Map<TopicPartition, Long> from,
            Instant faultEnd) {
        var expected = sent.stream().collect(Collectors.groupingBy(Sent::topic, LinkedHashMap::new,
                Collectors.mapping(Sent::position, Collectors.toSet())));
        var valueAt = sent.stream().collect(Collectors.toMap(record -> record.topic() + " " + record.position(),
                Sent::value));
        Map<String, List<DeadLetter>> read = bus.readDeadLetters(expected, from,
                faultEnd.plus(DEAD_LETTER_DEADLINE));
        double seconds = Duration.between(faultEnd, Instant.now()).toMillis() / 1000.0;
        var checks = new ArrayList<Executable>();
        expected.forEach((topic, positions) -> checks.add(() -> {
            String deadLetters = Bus.deadLetterTopic(topic);
            List<DeadLetter> letters = read.get(topic);
            if (letters == null) {
                fail(String.format("%s does not exist %.1f s after the bad records were written to %s", deadLetters,
                        seconds, topic));
            }
            var problems = new ArrayList<String>();
            Set<Position> found = letters.stream().map(DeadLetter::position).collect(Collectors.toSet());
            if (!found.equals(positions)) {
                problems.add(String.format("its records name the positions (dead-letter-partition@dead-letter-offset)"
                        + " %s, but the bad records were written to %s", found, positions));
            }
            for (DeadLetter letter : letters) {
                String written = valueAt.get(topic + " " + letter.position());
                if (written != null && !written.equals(letter.value())) {
                    problems.add(String.format("the record for %s has the value %s, not the %s written",
                            letter.position(), letter.value(), written));
                }
                if (letter.reason() == null || letter.reason().isBlank()) {
                    problems.add("the record for " + letter.position() + " has no dead-letter-reason");
                }
            }
            if (!problems.isEmpty()) {
                fail(String.format("%s, %.1f s after the bad records were written: %s", deadLetters, seconds,
                        String.join("; ", problems)));
            }
            log("%s: %d records for the %d bad ones after %.1f s; e.g. %s", deadLetters, letters.size(),
                    positions.size(), seconds, letters.get(letters.size() - 1).reason());
        }));
        assertAll("dead letters", checks);
    }

    // ---- submitting around a fault --------------------------------------------------------------------------------

    /** A short job of the local busybox image, with no documents: only the platform's own path is exercised. */
    private static final Map<String, Object> SPEC = Map.of("name", "chaos", "image", TestImages.BUSYBOX,
            "cmd", List.of("-c", "sleep 2; echo ok"), "cpus", 0.25, "memory", "32M");

    /** One attempt: the job's id, or null (what the API answered is kept in {@link #lastRefusal}). */
    private String trySubmit(String when) {
        try {
            Response response = given().auth().oauth2(submitter.token()).contentType(ContentType.JSON).body(SPEC)
                    .post("/compute/jobs");
            if (response.statusCode() == 201) {
                String id = response.path("id");
                jobs.add(new Job(id, when));
                return id;
            }
            lastRefusal = response.statusCode() + " " + response.body().asString();
            if (response.statusCode() == 500) {
                internalErrors.add(when + ": " + lastRefusal);
            }
        } catch (Exception e) { // RestAssured throws ConnectException undeclared
            lastRefusal = "no answer (" + e + ")";
        }
        return null;
    }

    /** One attempt to register an identity through the API; one that is accepted must be able to upload. */
    private void tryRegister(String when) {
        try {
            identities.add(new Registered(PublicApi.register(), when, Instant.now()));
        } catch (AssertionError | Exception e) { // RestAssured throws ConnectException undeclared
            log("registering an identity %s failed: %s", when, e.getMessage());
        }
    }

    /**
     * Writes {@code count} registrations of new identities to the bus as the job-api's outbox announces them (a
     * backlog the document-store is still applying), and returns the last: it must be learned like any other.
     */
    private static Registered writeRegistrations(Bus bus, int count, String when) {
        var records = new ArrayList<ProducerRecord<String, String>>();
        SelfIssuedIdentity identity = null;
        for (int i = 0; i < count; i++) {
            identity = new SelfIssuedIdentity().as("I" + UUID.randomUUID().toString().replace("-", ""));
            String id = identity.principal();
            var record = new ProducerRecord<>("parcel.identities.registered", id, event(1, Instant.now(), id,
                    "identityId", id, "tokenVerifiers", List.of(Map.of("iss", id, "sub", id,
                            "publicKey", identity.publicJwk()))).json());
            record.headers().add("parcel-event-type", "IdentityRegistered".getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        bus.write(records);
        return new Registered(identity, when, Instant.now());
    }

    /** Submits {@code count} jobs, trying each again until it is accepted or {@code until} passes. */
    private void submit(int count, String when, Instant until) {
        int refused = 0;
        for (int i = 0; i < count; i++) {
            while (trySubmit(when) == null) {
                refused++;
                if (Instant.now().isAfter(until)) {
                    fail(String.format("the job-api accepted no job %s until %s; it last answered %s", when, until,
                            lastRefusal));
                }
                pause(Duration.ofMillis(250));
            }
        }
        if (refused > 0) {
            log("%d jobs %s accepted after %d refusals (the last: %s)", count, when, refused, lastRefusal);
        }
    }

    /** Submits jobs until {@code target} of this test's jobs have not ended; returns how many are in flight. */
    private int keepInFlight(int target, String when) {
        int inFlight = (int) List.copyOf(jobs).stream().map(job -> status(job.id()))
                .filter(now -> !now.startsWith("Succeeded") && !now.startsWith("Failed")).count();
        submit(Math.max(0, target - inFlight), when, Instant.now().plus(RETRY_DEADLINE));
        return Math.max(target, inFlight);
    }

    /**
     * Runs {@code fault} while another thread submits a job every {@code interval}, each tried once: what is refused
     * while the fault is under way is only counted, what is accepted must succeed. Returns when {@code fault} ended.
     */
    private Instant whileSubmitting(String when, Duration interval, Runnable fault) {
        return whileSubmitting(when, interval, () -> { }, fault);
    }

    /** {@link #whileSubmitting(String, Duration, Runnable)}, doing {@code alsoEachTime} after each submission. */
    private Instant whileSubmitting(String when, Duration interval, Runnable alsoEachTime, Runnable fault) {
        var accepted = new AtomicInteger();
        var refused = new AtomicInteger();
        ScheduledExecutorService submitting = Executors.newSingleThreadScheduledExecutor();
        submitting.scheduleWithFixedDelay(() -> {
            (trySubmit(when) != null ? accepted : refused).incrementAndGet();
            try {
                alsoEachTime.run();
            } catch (AssertionError | RuntimeException e) {
                log("%s: %s", when, e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        Instant ended;
        try {
            fault.run();
            ended = Instant.now();
        } finally {
            submitting.shutdown();
            try {
                submitting.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log("%s: %d jobs accepted, %d refused (the last refusal: %s)", when, accepted.get(), refused.get(),
                refused.get() > 0 ? lastRefusal : "none");
        return ended;
    }

    /** Starts again what stopped ({@code bin/parcel up}); returns when the service on {@code port} listened again. */
    private static Instant restartedListening(int port) {
        var watcher = Executors.newSingleThreadExecutor();
        CompletableFuture<Instant> listening = CompletableFuture.supplyAsync(() -> {
            while (!Faults.listening(port)) {
                pause(Duration.ofMillis(100));
            }
            return Instant.now();
        }, watcher);
        try {
            LocalPlatform.restartWhatStopped();
            return listening.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        } finally {
            watcher.shutdownNow();
        }
    }

    private static <T> T retried(String what, Instant until, Supplier<T> attempt) {
        while (true) {
            try {
                return attempt.get();
            } catch (AssertionError | Exception e) {
                if (Instant.now().isAfter(until)) {
                    throw new AssertionError(what + " failed until " + until + ": " + e.getMessage(), e);
                }
                pause(Duration.ofMillis(250));
            }
        }
    }

    // ---- the unknown-version events -------------------------------------------------------------------------------

    private record Event(String key, String json) {
    }

    /**
     * For each consumed topic, an event shaped like that topic's (see docs/events.md) but of version 99, with made-up
     * ids. Were one applied anyway it would change nothing that matters: its job, identity and document do not exist,
     * and the heartbeat is of a worker that last spoke in 2000, so nothing is placed on it.
     */
    private static Map<String, Event> unknownVersionEvents() {
        String job = "Jchaos-" + UUID.randomUUID();
        var spec = new LinkedHashMap<String, Object>();
        spec.put("name", "chaos-v99");
        spec.put("image", TestImages.BUSYBOX);
        spec.put("cmd", List.of("-c", "true"));
        for (String absent : List.of("env", "inputDocuments", "outputDocuments", "cpus", "memory", "networkPolicy")) {
            spec.put(absent, null);
        }
        String identity = "Ichaos-" + UUID.randomUUID();
        String document = "Dchaos-" + UUID.randomUUID();
        String worker = "chaos-v99-worker";
        var events = new LinkedHashMap<String, Event>();
        events.put("parcel.identities.registered", event(identity, "identityId", identity, "tokenVerifiers",
                List.of(Map.of("iss", identity, "sub", identity, "publicKey", new SelfIssuedIdentity().publicJwk()))));
        events.put("parcel.jobs.submitted", event(job + "-submitted", "jobId", job + "-submitted",
                "submitter", submitter.principal(), "spec", spec));
        events.put("parcel.jobs.scheduled", event(job + "-scheduled", "jobId", job + "-scheduled", "attempt", 1,
                "workerId", WORKER, "submitter", submitter.principal(), "cpus", 0.25, "memoryBytes", 32L << 20,
                "spec", spec));
        events.put("parcel.jobs.status-reported", event(job + "-reported", "jobId", job + "-reported",
                "attempt", 1, "workerId", WORKER, "phase", "Running", "message", null));
        events.put("parcel.jobs.completed", event(job + "-completed", "jobId", job + "-completed", "attempt", 1,
                "workerId", WORKER, "phase", "Succeeded", "exitCode", 0, "message", "command exited with exit code 0",
                "outputDocuments", List.of()));
        events.put("parcel.jobs.termination-requested", event(job + "-terminated", "jobId", job + "-terminated",
                "requestedBy", submitter.principal()));
        events.put("parcel.workers.heartbeat", event(99, Instant.parse("2000-01-01T00:00:00Z"), worker, "workerId",
                worker, "cpus", 2.0, "memoryBytes", 4L << 30, "maxCpusPerJob", 2.0, "maxMemoryBytesPerJob", 2L << 30));
        events.put("parcel.documents.accessed", event(document, "documentId", document, "owner",
                submitter.principal(), "accessor", submitter.principal(), "jobId", job + "-accessed"));
        return events;
    }

    /** An event of version 99 keyed {@code key}: the common fields, then {@code fields} as name, value pairs. */
    private static Event event(String key, Object... fields) {
        return event(99, Instant.now(), key, fields);
    }

    private static Event event(int version, Instant occurredAt, String key, Object... fields) {
        var event = new LinkedHashMap<String, Object>();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("occurredAt", occurredAt.toString());
        event.put("version", version);
        for (int i = 0; i < fields.length; i += 2) {
            event.put((String) fields[i], fields[i + 1]);
        }
        try {
            return new Event(key, JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- small helpers --------------------------------------------------------------------------------------------

    static void log(String format, Object... arguments) {
        System.out.printf("ChaosIT: " + format + "%n", arguments);
    }

    private static double secondsSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1e9;
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pauseUntil(Instant instant) {
        Duration left = Duration.between(Instant.now(), instant);
        if (!left.isNegative()) {
            pause(left);
        }
    }
}
