package dev.parcel.executor.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Reads a job's inputs from, and writes its outputs to, the document-store, with the job's token. Bytes go via disk. */
@ApplicationScoped
public class DocumentStoreClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final ObjectMapper json;

    DocumentStoreClient(ExecutorConfig config, ObjectMapper json) {
        this.base = config.documentStoreUrl();
        this.json = json;
    }

    /** The document cannot be had by this job: it does not exist, or the job may not read it (the same answer). */
    public static final class NotReadable extends Exception {
        NotReadable(String documentId) {
            super(documentId, null, false, false);
        }
    }

    /** Streams the document into {@code file}. */
    public void download(String documentId, String jobToken, Path file)
            throws IOException, InterruptedException, NotReadable {
        var request = HttpRequest.newBuilder(base.resolve("/v1/storage/" + encode(documentId) + "/download"))
                .header("Authorization", "Bearer " + jobToken).GET().build();
        HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() == 404 || response.statusCode() == 401) {
            throw new NotReadable(documentId);
        }
        if (response.statusCode() != 200) {
            throw new IOException("the document-store answered " + response.statusCode() + " for an input");
        }
    }

    /** Uploads {@code file} as a new document owned by {@code owner}; returns its id. */
    public String upload(Path file, String owner, String jobToken) throws IOException, InterruptedException {
        String boundary = "parcel-" + UUID.randomUUID();
        String metadata = json.writeValueAsString(Map.of("owner", owner));
        var body = HttpRequest.BodyPublishers.concat(
                text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                        + "Content-Type: application/json\r\n\r\n" + metadata + "\r\n"),
                text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"data\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n"),
                HttpRequest.BodyPublishers.ofFile(file),
                text("\r\n--" + boundary + "--\r\n"));
        var request = HttpRequest.newBuilder(base.resolve("/v1/storage"))
                .header("Authorization", "Bearer " + jobToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("the document-store refused an output (" + response.statusCode() + "): "
                    + response.body());
        }
        return json.readTree(response.body()).get("id").asText();
    }

    private static HttpRequest.BodyPublisher text(String text) {
        return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
    }

    private static String encode(String pathSegment) {
        return java.net.URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
