package dev.parcel.e2e;

import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The platform as a user starts it: {@code bin/parcel up --detach}, on ports and a state directory of its own so
 * it can run beside a developer's platform and the suite's shared broker. As a JUnit extension it starts once for
 * the whole run and is stopped with {@code bin/parcel down} when the run ends.
 */
final class LocalPlatform implements BeforeAllCallback {
    /** All below 32768: ports in the kernel's ephemeral range can be taken by any outgoing connection. */
    static final int API_PORT = 28080;
    static final int DOCUMENT_STORE_PORT = 28081;
    static final int SCHEDULER_PORT = 28082;
    static final int EXECUTOR_PORT = 28083;
    static final int KAFKA_PORT = 27092;
    static final int PG_PORT = 26432;
    /** How many executors {@code bin/parcel up} runs; a test that needs more says so with {@link #runWorkers}. */
    private static volatile int workers = 1;
    private static final Path ROOT = Path.of(System.getProperty("parcel.root", "..")).toAbsolutePath().normalize();
    private static final Path STATE = ROOT.resolve("e2e/target/parcel");
    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("PARCEL_STATE_DIR", STATE.toString()),
            Map.entry("PARCEL_KAFKA_PORT", Integer.toString(KAFKA_PORT)),
            Map.entry("PARCEL_PG_PORT", Integer.toString(PG_PORT)),
            Map.entry("PARCEL_API_PORT", Integer.toString(API_PORT)),
            Map.entry("PARCEL_DOCUMENT_STORE_PORT", Integer.toString(DOCUMENT_STORE_PORT)),
            Map.entry("PARCEL_SCHEDULER_PORT", Integer.toString(SCHEDULER_PORT)),
            Map.entry("PARCEL_EXECUTOR_PORT", Integer.toString(EXECUTOR_PORT)),
            Map.entry("PARCEL_EXECUTOR_WORKER_ID", "e2e-worker"),
            // Smaller than the largest document the tests move: a service that held a whole document would fail.
            Map.entry("PARCEL_SERVICE_HEAP", "160m"),
            // Tracing on, exported to the TraceCollector of this JVM, for every service of the run: the exporter is
            // chosen when a service starts, and the platform is started once for all the classes. Only what a
            // request marked as sampled started is traced (TracingIT's job), so the other classes export nothing.
            Map.entry("QUARKUS_OTEL_SDK_DISABLED", "false"),
            Map.entry("QUARKUS_OTEL_TRACES_SAMPLER_ARG", "0"),
            Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
            Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + TraceCollector.PORT),
            Map.entry("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms"));

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(LocalPlatform.class,
                key -> {
                    up();
                    return (ExtensionContext.Store.CloseableResource) LocalPlatform::down;
                });
        RestAssured.baseURI = apiUrl();
        RestAssured.port = API_PORT;
    }

    /** Where a service's health and metrics answer: bin/parcel puts its management interface 1000 ports up. */
    static int managementPort(int servicePort) {
        return servicePort + 1000;
    }

    /** The checkout the platform was started from. */
    static Path root() {
        return ROOT;
    }

    /** The state directory bin/parcel keeps the platform's data, logs and pids in. */
    static Path state() {
        return STATE;
    }

    /** The pid of a service the platform runs, as bin/parcel recorded it. */
    static long pidOf(String service) {
        try {
            return Long.parseLong(Files.readString(pidFile(service)).strip());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where bin/parcel records the pid of what it started (a service, kafka, postgres). */
    static Path pidFile(String name) {
        return STATE.resolve("pids/" + name + ".pid");
    }

    /**
     * Starts again whatever of the platform is not running, as a user would: {@code bin/parcel up --detach}. Unlike
     * the first start it leaves what runs alone when that fails: a test that restarts part of the platform must be
     * able to look at, and to repair, what is left.
     */
    static void restartWhatStopped() {
        checkedUp();
    }

    /**
     * Makes {@code bin/parcel up} run {@code count} executors from now on and starts those missing; executor-i's port
     * is {@link #EXECUTOR_PORT} + i − 1 and its worker id {@code e2e-worker-i}.
     */
    static void runWorkers(int count) {
        workers = count;
        checkedUp();
    }

    static int executorPort(int index) {
        return EXECUTOR_PORT + index - 1;
    }

    static String apiUrl() {
        return "http://127.0.0.1:" + API_PORT + "/v1";
    }

    /**
     * Runs {@code bin/parcel up --detach}; returns once every service is ready, or stops whatever did start and
     * fails with the output.
     */
    private static void up() {
        TraceCollector.start();
        try {
            checkedUp();
        } catch (AssertionError | RuntimeException e) {
            down();
            throw e;
        }
    }

    private static void checkedUp() {
        String output = parcel("up", "--detach", "--workers", Integer.toString(workers));
        if (!output.contains("PARCEL_API_URL=" + apiUrl())) {
            throw new AssertionError("bin/parcel up did not print the API URL:\n" + output);
        }
    }

    private static void down() {
        parcel("down");
    }

    /** What a command printed, apart, and how it exited. */
    record Ran(int exitStatus, String out, String err) {
    }

    /** Runs {@code bin/parcel <arguments>} against this platform, as a user would in a shell, whatever its end. */
    static Ran command(String... arguments) {
        try {
            Path out = Files.createTempFile(STATE, "command-", ".out");
            Path err = Files.createTempFile(STATE, "command-", ".err");
            var command = new java.util.ArrayList<String>();
            command.add(ROOT.resolve("bin/parcel").toString());
            command.addAll(java.util.List.of(arguments));
            var builder = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(ENVIRONMENT);
            Process process = builder.start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("bin/parcel " + String.join(" ", arguments) + " did not end in 3 minutes");
            }
            return new Ran(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String parcel(String... arguments) {
        try {
            Files.createDirectories(STATE);
            Path log = STATE.resolve("parcel-" + arguments[0] + ".out");
            var command = new java.util.ArrayList<String>();
            command.add(ROOT.resolve("bin/parcel").toString());
            command.addAll(java.util.List.of(arguments));
            var builder = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(ENVIRONMENT);
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("bin/parcel " + arguments[0] + " did not finish in 10 minutes");
            }
            String output = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new AssertionError("bin/parcel " + String.join(" ", arguments) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
