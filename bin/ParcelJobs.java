import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The jobs part of `bin/parcel`: submit, list, read, watch, follow the logs of and cancel jobs through the public
 * API, as people read it (or as the API's own JSON with --json). The caller's token comes in PARCEL_CLI_TOKEN,
 * never on the command line, where other users could see it.
 *
 * <pre>
 *   submit SPEC.json | list | get ID | watch ID | logs ID [--follow] | cancel ID     [--json]
 * </pre>
 */
public class ParcelJobs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String api;
    private final String token;
    private final boolean json;

    ParcelJobs(String api, String token, boolean json) {
        this.api = api;
        this.token = token;
        this.json = json;
    }

    /** Said to the user on stderr, and the exit status. */
    static final class Refusal extends Exception {
        final int status;

        Refusal(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    public static void main(String[] args) {
        var words = new ArrayList<>(List.of(args));
        boolean json = words.remove("--json");
        boolean follow = words.remove("--follow");
        var cli = new ParcelJobs(args.length == 0 ? "" : words.remove(0), System.getenv("PARCEL_CLI_TOKEN"), json);
        try {
            System.exit(cli.run(words, follow));
        } catch (Refusal refusal) {
            System.err.println("parcel: " + refusal.getMessage());
            System.exit(refusal.status);
        } catch (ConnectException e) {
            System.err.println("parcel: nothing answers at " + cli.api + "; is the platform up (bin/parcel up)?");
            System.exit(1);
        } catch (IOException e) {
            System.err.println("parcel: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(130);
        }
    }

    private int run(List<String> words, boolean follow) throws Refusal, IOException, InterruptedException {
        String command = words.isEmpty() ? "" : words.get(0);
        String argument = words.size() > 1 ? words.get(1) : null;
        if (argument == null && !command.equals("list")) {
            throw new Refusal("usage: bin/parcel job submit SPEC.json | list | get ID | watch ID | logs ID [--follow]"
                    + " | cancel ID   [--json] [--as IDENTITY]", 2);
        }
        return switch (command) {
            case "submit" -> submit(Path.of(argument));
            case "list" -> list();
            case "get" -> get(argument);
            case "watch" -> watch(argument);
            case "logs" -> logs(argument, follow);
            case "cancel" -> cancel(argument);
            default -> throw new Refusal("no command job " + command + "; try submit, list, get, watch, logs or"
                    + " cancel", 2);
        };
    }

    private int submit(Path spec) throws Refusal, IOException, InterruptedException {
        String body;
        try {
            body = Files.readString(spec);
        } catch (NoSuchFileException e) {
            throw new Refusal("no file " + spec, 1);
        }
        JsonNode job = JSON.readTree(send(request("/compute/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "application/json"));
        System.out.println(json ? job.toString() : job.path("id").asText());
        return 0;
    }

    private int list() throws Refusal, IOException, InterruptedException {
        JsonNode page = JSON.readTree(send(request("/compute/jobs").GET(), "application/json"));
        if (json) {
            System.out.println(page);
            return 0;
        }
        System.out.printf("%-38s %-10s %-17s %-24s %s%n", "ID", "PHASE", "REASON", "CREATED", "NAME");
        for (JsonNode job : page.path("results")) {
            JsonNode status = job.path("status");
            System.out.printf("%-38s %-10s %-17s %-24s %s%n", job.path("id").asText(), status.path("phase").asText(),
                    status.path("reason").asText("-"), job.path("createdAt").asText(), job.path("spec").path("name")
                            .asText());
        }
        return 0;
    }

    private int get(String id) throws Refusal, IOException, InterruptedException {
        JsonNode job = JSON.readTree(send(request("/compute/jobs/" + encode(id)).GET(), "application/json"));
        if (json) {
            System.out.println(job);
            return 0;
        }
        JsonNode spec = job.path("spec");
        JsonNode status = job.path("status");
        line("id", job.path("id").asText());
        line("name", spec.path("name").asText());
        line("image", spec.path("image").asText());
        line("phase", status.path("phase").asText() + (status.hasNonNull("reason")
                ? " (" + status.path("reason").asText() + (status.hasNonNull("exitCode")
                        ? ", exit code " + status.path("exitCode").asText() : "") + ")"
                : ""));
        line("message", status.path("message").asText(""));
        line("attempt", status.path("attempt").asText() + (status.hasNonNull("host")
                ? " on " + status.path("host").asText() : ""));
        line("created", job.path("createdAt").asText());
        line("started", status.path("startedAt").asText(""));
        line("finished", status.path("finishedAt").asText(""));
        for (JsonNode input : spec.path("inputDocuments")) {
            line("input", input.path("id").asText() + " at /parcel/data/in/" + input.path("mountPath").asText());
        }
        for (JsonNode read : job.path("io").path("accessedDocuments")) {
            line("read", read.asText());
        }
        for (JsonNode output : job.path("io").path("outputDocuments")) {
            line("output", output.path("id").asText() + " from /parcel/data/out/" + output.path("mountPath").asText());
        }
        return 0;
    }

    private static void line(String label, String value) {
        if (!value.isEmpty()) {
            System.out.printf("%-9s %s%n", label + ":", value);
        }
    }

    /** Follows the job's events until it ends; the exit status is 0 only when it Succeeded. */
    private int watch(String id) throws Refusal, IOException, InterruptedException {
        String phase = "";
        try (var events = stream(request("/compute/jobs/" + encode(id) + "/events").GET(), "text/event-stream")) {
            String line;
            while ((line = events.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                JsonNode status = JSON.readTree(line.substring(5).trim()).path("status");
                phase = status.path("phase").asText();
                if (json) {
                    System.out.println(line.substring(5).trim());
                } else {
                    System.out.printf("%-10s %s%n", phase, status.path("message").asText(""));
                }
            }
        }
        return phase.equals("Succeeded") ? 0 : 1;
    }

    private int logs(String id, boolean follow) throws Refusal, IOException, InterruptedException {
        try (var lines = stream(request("/compute/jobs/" + encode(id) + "/logs" + (follow ? "?follow=true" : ""))
                .GET(), json ? "application/x-ndjson" : "text/plain")) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println(line);
            }
        }
        return 0;
    }

    private int cancel(String id) throws Refusal, IOException, InterruptedException {
        send(request("/compute/jobs/" + encode(id)).DELETE(), "application/json");
        if (!json) {
            System.out.println("terminated " + id + " (a pending job never starts, a running one is stopped)");
        }
        return 0;
    }

    private HttpRequest.Builder request(String path) throws Refusal {
        if (token == null || token.isEmpty()) {
            throw new Refusal("no identity; run: bin/parcel identity", 1);
        }
        return HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token);
    }

    private static String send(HttpRequest.Builder request, String accept)
            throws Refusal, IOException, InterruptedException {
        var response = HTTP.send(request.header("Accept", accept).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw refusal(response.statusCode(), response.body());
        }
        return response.body();
    }

    private static BufferedReader stream(HttpRequest.Builder request, String accept)
            throws Refusal, IOException, InterruptedException {
        var response = HTTP.send(request.header("Accept", accept).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                throw refusal(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The API's own words: every refusal has a JSON body {"error": "..."}. */
    private static Refusal refusal(int status, String body) {
        String message;
        try {
            message = JSON.readTree(body).path("error").asText("");
        } catch (IOException notJson) {
            message = "";
        }
        return new Refusal((message.isEmpty() ? "the API answered " + status : message) + " (HTTP " + status + ")",
                1);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
