package dev.parcel.jobapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.jobapi.config.EdgeConfig;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.ReactiveWork;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's logs for a caller who may see the job: read from the document-store with the caller's own token, so the
 * document-store applies the log rule (the caller may read every document the job read) on every read. Following,
 * the logs are read again every half second until the job has ended and its last lines were read.
 */
@ApplicationScoped
public class JobLogs {
    private static final Duration POLL_EVERY = Duration.ofMillis(500);
    private static final long REQUEST_TIMEOUT_MILLIS = 30_000;

    private final JobReads reads;
    private final HttpClient http;
    private final EdgeConfig config;
    private final ObjectMapper json;

    JobLogs(JobReads reads, Vertx vertx, EdgeConfig config, ObjectMapper json) {
        this.reads = reads;
        this.config = config;
        this.json = json;
        this.http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(32).setKeepAlive(true)
                .setConnectTimeout(5_000));
    }

    /** One line a job printed, or a note of the platform's ({@code stream} {@code parcel}). */
    public record LogLine(String time, String stream, String line) {
        public String asText() {
            return time + " " + stream + " " + line + "\n";
        }
    }

    /** The document-store's page of a job's logs. */
    record Page(long droppedBytes, long limitBytes, List<Chunk> chunks) {
    }

    record Chunk(int attempt, long chunk, String lines) {
        String position() {
            return attempt + "." + chunk;
        }
    }

    /**
     * The job's log lines; with {@code follow}, then every new one until the job ends. Checked before the first
     * line: a caller who may not read them gets the 404 of a job that does not exist. A follower who loses the
     * right (the job read a document the follower may not read) sees the stream end.
     */
    public Multi<LogLine> lines(String caller, String authorization, String jobId, boolean follow) {
        ReactiveWork.await(() -> reads.status(caller, jobId));
        Page first = ReactiveWork.await(() -> page(authorization, jobId, ""));
        return Multi.createFrom().<LogLine>emitter(emitter -> Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                if (first.droppedBytes() > 0) {
                    emitter.emit(new LogLine(Instant.now().toString(), "parcel", first.droppedBytes()
                            + " bytes of earlier output were dropped: a job keeps the last " + first.limitBytes()
                            + " bytes of its logs"));
                }
                send(emitter, caller, authorization, jobId, follow, first);
                emitter.complete();
            } catch (ApiProblem lostTheRight) {
                emitter.complete();
            } catch (RuntimeException | InterruptedException e) {
                emitter.fail(e);
            }
        }));
    }

    private void send(MultiEmitter<? super LogLine> emitter, String caller, String authorization, String jobId,
            boolean follow, Page first) throws InterruptedException {
        Page page = first;
        String position = "";
        boolean ended = !follow;
        while (!emitter.isCancelled()) {
            for (Chunk chunk : page.chunks()) {
                parse(chunk.lines()).forEach(emitter::emit);
                position = chunk.position();
            }
            boolean more = !page.chunks().isEmpty();
            if (!more && ended) {
                return;
            }
            if (!more) {
                // Its executor stores its last lines before it reports the end, so one more read after it takes them.
                ended = ReactiveWork.await(() -> reads.status(caller, jobId)).status().phase().isTerminal();
                Thread.sleep(POLL_EVERY.toMillis());
            }
            String after = position;
            page = ReactiveWork.await(() -> page(authorization, jobId, after));
        }
    }

    private Uni<Page> page(String authorization, String jobId, String after) {
        var origin = config.documentStoreUrl();
        var request = new RequestOptions().setMethod(HttpMethod.GET).setHost(origin.getHost())
                .setPort(origin.getPort()).setTimeout(REQUEST_TIMEOUT_MILLIS)
                .setURI("/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8) + "/logs?after="
                        + URLEncoder.encode(after, StandardCharsets.UTF_8))
                .putHeader("Authorization", authorization);
        return http.request(request).chain(sent -> sent.send()).chain(response -> response.body().map(body -> {
            if (response.statusCode() == 404) {
                throw ApiProblem.notFound("no job " + jobId);
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the document-store answered " + response.statusCode()
                        + " for the logs of job " + jobId);
            }
            try {
                return json.readValue(body.getBytes(), Page.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    private List<LogLine> parse(String lines) {
        var parsed = new ArrayList<LogLine>();
        for (String line : lines.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                parsed.add(json.readValue(line, LogLine.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored log line is not JSON", e);
            }
        }
        return parsed;
    }
}
