package dev.parcel.executor.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a job's inputs from, and writes its outputs to, the document-store, with the job's token. Bytes go via disk.
 * Every request is bounded as a whole, body included: a document-store that hangs must fail the step, not hold the
 * job Running forever.
 */
@ApplicationScoped
public class DocumentStoreClient {
    private final HttpClient http;
    private final URI base;
    private final Duration requestTimeout;
    private final ObjectMapper json;

    DocumentStoreClient(ExecutorConfig config, ObjectMapper json) {
        this.http = HttpClient.newBuilder().connectTimeout(config.documentStoreConnectTimeout()).build();
        this.base = config.documentStoreUrl();
        this.requestTimeout = config.documentStoreRequestTimeout();
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
                .header("Authorization", "Bearer " + jobToken).timeout(requestTimeout).GET().build();
        HttpResponse<Path> response = send(request, HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() == 404 || response.statusCode() == 401) {
            throw new NotReadable(documentId);
        }
        if (response.statusCode() != 200) {
            throw new IOException("the document-store answered " + response.statusCode() + " for an input");
        }
    }

    /**
     * Uploads {@code file} as a document owned by {@code owner}; returns its id. An upload repeated with the same
     * {@code idempotencyKey} (after a crash, say) gets the document the first one made.
     */
    public String upload(Path file, String owner, String jobToken, String idempotencyKey)
            throws IOException, InterruptedException {
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
                .header("Idempotency-Key", idempotencyKey)
                .timeout(requestTimeout)
                .POST(body).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new IOException("the document-store refused an output (" + response.statusCode() + "): "
                    + response.body());
        }
        return json.readTree(response.body()).get("id").asText();
    }

    /**
     * Appends chunk number {@code chunk} (JSON lines) to the job's logs; a chunk sent again is kept once, so a
     * failed request may simply be repeated.
     */
    public void appendLog(String jobId, long chunk, byte[] lines, String jobToken)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(base.resolve("/v1/jobs/" + encode(jobId) + "/logs?chunk=" + chunk))
                .header("Authorization", "Bearer " + jobToken)
                .header("Content-Type", "application/x-ndjson")
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(lines)).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IOException("the document-store refused a log chunk (" + response.statusCode() + "): "
                    + response.body());
        }
    }

    /** The request's own timeout only covers the wait for the headers; this bounds the body too. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        var response = http.sendAsync(request, body);
        try {
            return response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new HttpTimeoutException("the document-store did not finish answering within " + requestTimeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static HttpRequest.BodyPublisher text(String text) {
        return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
    }

    private static String encode(String pathSegment) {
        return java.net.URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
