package dev.parcel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * What an operator or a crash does to the platform from outside: signals to the processes bin/parcel started and
 * recorded, {@code pg_ctl} on its PostgreSQL cluster; and how the services say they are ready.
 */
final class Faults {
    /** The services, each with the port its health answers on. */
    static final Map<String, Integer> SERVICES = services();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Faults() {
    }

    private static Map<String, Integer> services() {
        var services = new LinkedHashMap<String, Integer>();
        services.put("job-api", LocalPlatform.API_PORT);
        services.put("document-store", LocalPlatform.DOCUMENT_STORE_PORT);
        services.put("scheduler", LocalPlatform.SCHEDULER_PORT);
        services.put("executor-1", LocalPlatform.EXECUTOR_PORT);
        return services;
    }

    /** Whether what bin/parcel recorded as {@code name} (a service, kafka, postgres) is alive. */
    static boolean running(String name) {
        return Files.exists(LocalPlatform.pidFile(name))
                && ProcessHandle.of(LocalPlatform.pidOf(name)).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Sends SIGTERM ({@code kill}), or SIGKILL ({@code kill -9}) when {@code kill} is set, to what bin/parcel recorded
     * as {@code name} and waits until it has exited; returns how long that took.
     */
    static Duration stop(String name, boolean kill) {
        long started = System.nanoTime();
        ProcessHandle process = ProcessHandle.of(LocalPlatform.pidOf(name)).orElse(null);
        if (process == null || !process.isAlive()) {
            return Duration.ZERO;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError(name + " (pid " + process.pid() + ") was still running 60 s after "
                    + (kill ? "SIGKILL" : "SIGTERM") + "; sent SIGKILL");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * {@code pg_ctl restart -m fast} on the platform's cluster, run as bin/parcel's {@code as_postgres} runs pg_ctl
     * and with the options bin/parcel starts the cluster with (port, socket directory, loopback only, connections,
     * log file); then records the new postmaster's pid where bin/parcel looks for it, so {@code bin/parcel up} and
     * {@code down} still see the cluster as theirs.
     */
    static void restartPostgres() {
        pgCtl("restart");
    }

    /** {@code pg_ctl stop -m fast}: every connection is cut at once (a SIGTERM would wait for the services' pools). */
    static void stopPostgres() {
        pgCtl("stop");
    }

    /** Starts the cluster {@link #stopPostgres()} stopped, as {@link #restartPostgres()} does, and nothing else. */
    static void startPostgres() {
        pgCtl("start");
    }

    private static void pgCtl(String action) {
        Path state = LocalPlatform.state();
        Path data = state.resolve("postgres/data");
        var command = new ArrayList<>(List.of(postgresBin().resolve("pg_ctl").toString(), action,
                "-D", data.toString(), "-m", "fast", "-w", "-t", "60"));
        if (!"stop".equals(action)) {
            command.addAll(List.of("-l", state.resolve("logs/postgres.log").toString(), "-o", "-p "
                    + LocalPlatform.PG_PORT + " -k " + state.resolve("postgres/run")
                    + " -c listen_addresses=127.0.0.1 -c max_connections=200"));
        }
        run(state.resolve("postgres"), asPostgres(command));
        if ("stop".equals(action)) {
            return;
        }
        try {
            String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip();
            Files.writeString(LocalPlatform.pidFile("postgres"), pid + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the Docker engine (SIGTERM; with live restore its containers keep running) and starts it again with the
     * same command line, its output appended to the state directory's {@code logs/dockerd-restarted.log}; returns
     * once it answers with live restore on, as before. A pid file of bin/parcel's that recorded the old engine
     * records the new one. The engine is the one that answers on the default socket ({@code /var/run/docker.pid}),
     * not whichever dockerd is oldest: a machine may run another.
     */
    static void restartDockerEngine() {
        long pid = defaultEnginePid();
        ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
        List<String> commandLine = engine.info().arguments().map(arguments -> {
            var command = new ArrayList<String>(List.of(engine.info().command().orElse("dockerd")));
            command.addAll(List.of(arguments));
            return (List<String>) command;
        }).orElse(List.of("dockerd", "--live-restore"));
        if (!commandLine.contains("--live-restore") && !Files.exists(Path.of("/etc/docker/daemon.json"))) {
            // Its command line as read back lacks the flag, and no configuration file sets it: the engine answered
            // with live restore on (the callers check), so its command line was not read whole.
            commandLine = new ArrayList<>(commandLine);
            commandLine.add("--live-restore");
        }
        engine.destroy();
        try {
            engine.onExit().get(60, TimeUnit.SECONDS);
            var restarted = new ArrayList<String>(List.of("setsid"));
            restarted.addAll(commandLine);
            Path log = LocalPlatform.state().resolve("logs/dockerd-restarted.log");
            Process started = new ProcessBuilder(restarted).redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()))
                    .redirectInput(Redirect.from(Path.of("/dev/null").toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (new ProcessBuilder("docker", "info").redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.DISCARD).start().waitFor() != 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the Docker engine did not answer 60 s after its restart; see " + log);
                }
                Thread.sleep(500);
            }
            recordRestartedEngine(pid, started.pid());
            String liveRestore = String.join(" ", dev.parcel.testkit.HostCommands.docker("info", "--format",
                    "{{.LiveRestoreEnabled}}")).strip();
            if (!"true".equals(liveRestore)) {
                throw new AssertionError("the Docker engine restarted as " + restarted + " without live restore ("
                        + liveRestore + "), so it stops every container; see " + log);
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not restart the Docker engine", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long defaultEnginePid() {
        try {
            return Long.parseLong(Files.readString(Path.of("/var/run/docker.pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return Long.parseLong(dev.parcel.testkit.HostCommands.run(List.of("pgrep", "-xo", "dockerd")).get(0));
        }
    }

    /** So that the {@code bin/parcel down} which would have stopped the old engine stops the new one. */
    private static void recordRestartedEngine(long oldPid, long newPid) throws IOException {
        for (Path states : List.of(LocalPlatform.root().resolve(".parcel"), LocalPlatform.state())) {
            if (!Files.isDirectory(states)) {
                continue;
            }
            try (Stream<Path> files = Files.find(states, 3, (file, attributes) -> file.endsWith("pids/dockerd.pid"))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (Files.readString(file).strip().equals(Long.toString(oldPid))) {
                        Files.writeString(file, newPid + "\n");
                    }
                }
            }
        }
    }

    /** bin/parcel's {@code pg_bin}: the newest of Debian's PostgreSQL installations. */
    private static Path postgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .max(Comparator.comparingDouble(dir -> Double.parseDouble(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /usr/lib/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** bin/parcel's {@code as_postgres}: as root, a command runs as the postgres user. */
    private static List<String> asPostgres(List<String> command) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return command;
        }
        var asPostgres = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        asPostgres.addAll(command);
        return asPostgres;
    }

    /** Runs a command to its end, its output appended to the state directory's chaos log; fails unless it exits 0. */
    private static void run(Path directory, List<String> command) {
        Path log = LocalPlatform.state().resolve("logs/chaos-commands.log");
        try {
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue()
                        + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The services whose {@code /q/health/ready} does not answer 200 now, each with what it answered instead. */
    static Map<String, String> notReady() {
        var notReady = new LinkedHashMap<String, String>();
        SERVICES.forEach((service, port) -> {
            String answer = readiness(port);
            if (answer != null) {
                notReady.put(service, answer);
            }
        });
        return notReady;
    }

    /** The checks of a health answer that are not UP, with what they say; the answer itself if it is not JSON. */
    private static String failedChecks(String body) {
        try {
            var failed = new ArrayList<String>();
            for (JsonNode check : JSON.readTree(body).path("checks")) {
                if (!"UP".equals(check.path("status").asText())) {
                    var data = new ArrayList<String>();
                    for (Map.Entry<String, JsonNode> entry : check.path("data").properties()) {
                        String value = entry.getValue().asText();
                        if (!value.equals("UP") && !value.equals("[OK]")) {
                            data.add(entry.getKey() + ": " + value);
                        }
                    }
                    failed.add(check.path("name").asText() + " " + data);
                }
            }
            return failed.isEmpty() ? body : String.join("; ", failed);
        } catch (IOException e) {
            return body;
        }
    }

    /** Null when the service on {@code port} is ready, else what it answered. */
    private static String readiness(int port) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + LocalPlatform.managementPort(port)
                + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return null;
            }
            return response.statusCode() + " " + failedChecks(response.body());
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
