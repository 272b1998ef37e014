package dev.parcel.executor.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.Backoff;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.LinesHad;
import dev.parcel.executor.domain.StampedLines;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Captures what each running job prints, both streams, each line with its stream and time, and sends it to the
 * document-store as the job runs: a chunk at least every second while there is output, and one whenever half a
 * MiB has gathered, so a reader following the logs sees lines within about a second, and a job that prints
 * without pause is slowed to the pace its chunks are stored at rather than held in memory.
 */
@ApplicationScoped
public class JobLogs {
    private static final Logger LOG = Logger.getLogger(JobLogs.class);
    private static final int CHUNK_BYTES = 512 * 1024;
    /**
     * The most unsent output held for a job: more than the document-store keeps of a job's logs, which are its
     * newest; past it the oldest unsent lines are dropped, and a line says how much.
     */
    private static final long MAX_UNSENT_BYTES = 16L << 20;
    private static final Duration SEND_CHECK = Duration.ofMillis(100);
    private static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

    private final DockerClient docker;
    private final DocumentStoreClient documents;
    private final JobTokenIssuer tokens;
    private final ObjectMapper json;
    private final Duration storedWithin;
    private final Map<AttemptId, Capture> captures = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        var thread = new Thread(runnable, "job-logs");
        thread.setDaemon(true);
        return thread;
    });

    JobLogs(DockerEngine engine, DocumentStoreClient documents, JobTokenIssuer tokens, ObjectMapper json,
            ExecutorConfig config) {
        this.docker = engine.client();
        this.documents = documents;
        this.tokens = tokens;
        this.json = json;
        this.storedWithin = config.logsStoredWithin();
    }

    /**
     * Starts capturing the attempt's container from its first line; {@code resumed}: the executor restarted while
     * it ran, so what was sent before may be sent again, and a line says so.
     */
    public void follow(JobScheduled job, boolean resumed) {
        var capture = new Capture(job);
        if (captures.putIfAbsent(AttemptId.of(job), capture) != null) {
            return;
        }
        if (resumed) {
            capture.add("parcel", Instant.now(), "the worker restarted while the job ran: lines before this one may"
                    + " appear twice");
        }
        threads.execute(capture::read);
        threads.execute(capture::sendAsItComes);
    }

    /** Waits until everything the ended attempt printed was sent, at most {@code parcel.executor.logs-stored-within}. */
    public void awaitSent(JobScheduled job) throws InterruptedException {
        var capture = captures.get(AttemptId.of(job));
        if (capture != null && !capture.sent.await(storedWithin.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warnf("job %s attempt %d: its last log lines were not stored within %s; they are lost", job.jobId(),
                    job.attempt(), storedWithin);
            capture.stop();
        }
    }

    /** Stops capturing the attempt, whatever is left unsent; its sandbox is about to go. */
    public void stop(JobScheduled job) {
        var capture = captures.remove(AttemptId.of(job));
        if (capture != null) {
            capture.stop();
        }
    }

    @PreDestroy
    void close() {
        captures.values().forEach(Capture::stop);
        threads.shutdownNow();
    }

    /**
     * One attempt's capture: a thread reads the container's log stream into {@link #pending}, never waiting for
     * anything but the engine, and another sends it to the document-store in chunks.
     */
    private final class Capture {
        private final JobScheduled job;
        private final String container;
        private final CountDownLatch sent = new CountDownLatch(1);
        /** Encoded lines not sent yet, oldest first; the engine's reader only adds to them, never waits. */
        private final Deque<byte[]> pending = new ArrayDeque<>();
        private long pendingBytes;
        /** Bytes of the oldest lines dropped here because the document-store did not keep up. */
        private long droppedHere;
        private volatile boolean stopped;
        /** Counted down once the reader has read to the end: the sender sends the rest at once, not a tick later. */
        private final CountDownLatch readToTheEnd = new CountDownLatch(1);
        private volatile Followed reading;
        /** What was had of each stream, so that a line read again is not kept twice. */
        private final Map<String, LinesHad> had = new ConcurrentHashMap<>();
        private Instant lastSentAt = Instant.now();
        private long lastChunk;

        Capture(JobScheduled job) {
            this.job = job;
            this.container = JobContainers.containerName(job.jobId(), job.attempt());
        }

        /**
         * Follows the log stream, again whenever it ends while the container runs (the engine restarted, say), then
         * reads it once more to its end: a follow ends when the container does, and whatever it had not had yet by
         * then is in that last read.
         */
        void read() {
            var backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
            try {
                while (!stopped && isRunning()) {
                    read(true);
                    if (isRunning()) {
                        backoff.pause();
                    }
                }
                if (!stopped) {
                    read(false);
                }
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } finally {
                readToTheEnd.countDown();
            }
        }

        /**
         * Reads the stream from its first line, following it or to its end, keeping the lines not had yet. Waits
         * without a time limit: docker-java's wait with one (awaitCompletion(timeout)) was seen to cut the stream
         * short, a few hundred lines into a large log.
         */
        private void read(boolean follow) throws InterruptedException {
            var followed = new Followed();
            reading = followed;
            // From the first line again: the engine's `since` loses lines of a rotated log file.
            had.values().forEach(LinesHad::readingAgain);
            try (var stream = docker.logContainerCmd(container).withStdOut(true).withStdErr(true)
                    .withTimestamps(true).withFollowStream(follow).exec(followed)) {
                if (!stopped) {
                    followed.awaitCompletion();
                }
            } catch (RuntimeException | IOException engineAway) {
                LOG.debugf("job %s: the log stream broke: %s", job.jobId(), engineAway.getMessage());
            }
            followed.finish();
        }

        /** Sends what the reader gathered as it goes, and everything once it has read to the end. */
        void sendAsItComes() {
            try {
                while (readToTheEnd.getCount() > 0 && !stopped) {
                    sendWhatIsDue();
                    readToTheEnd.await(SEND_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                }
                sendAll();
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } finally {
                sent.countDown();
            }
        }

        void stop() {
            stopped = true;
            var current = reading;
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    LOG.debugf("closing a log stream: %s", e.getMessage());
                }
            }
        }

        /** Whether the container still runs; while the engine does not answer, it may. */
        private boolean isRunning() {
            try {
                Boolean running = docker.inspectContainerCmd(container).exec().getState().getRunning();
                return Boolean.TRUE.equals(running);
            } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
                return false;
            } catch (RuntimeException engineAway) {
                return !stopped;
            }
        }

        /** One read of the stream: its frames cut into lines, each kept unless it was had already. */
        private final class Followed extends ResultCallback.Adapter<Frame> {
            private final StampedLines lines = new StampedLines();

            @Override
            public void onNext(Frame frame) {
                String stream = frame.getStreamType() == StreamType.STDERR ? "stderr" : "stdout";
                lines.add(stream, frame.getPayload()).forEach(this::keep);
            }

            /** What the stream ended without a newline for. */
            void finish() {
                lines.rest().forEach(this::keep);
            }

            private void keep(StampedLines.Line line) {
                if (line.time() != null && !had.computeIfAbsent(line.stream(), stream -> new LinesHad()).isNew(line.time())) {
                    return;
                }
                add(line.stream(), line.time() == null ? Instant.now() : line.time(), line.text());
            }
        }

        synchronized void add(String stream, Instant at, String line) {
            byte[] encoded = encoded(stream, at, line);
            pending.add(encoded);
            pendingBytes += encoded.length;
            while (pendingBytes > MAX_UNSENT_BYTES) {
                byte[] oldest = pending.poll();
                pendingBytes -= oldest.length;
                droppedHere += oldest.length;
            }
        }

        /** A JSON line: {@code time}, {@code stream}, {@code line}. */
        private byte[] encoded(String stream, Instant at, String line) {
            var entry = new LinkedHashMap<String, String>();
            entry.put("time", at.toString());
            entry.put("stream", stream);
            entry.put("line", line);
            try {
                return (json.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Sends full chunks, and what gathered once a second has passed since the last send. */
        private void sendWhatIsDue() throws InterruptedException {
            while (unsentBytes() >= CHUNK_BYTES && !stopped) {
                send();
            }
            if (Duration.between(lastSentAt, Instant.now()).compareTo(FLUSH_EVERY) >= 0) {
                send();
            }
        }

        private synchronized long unsentBytes() {
            return pendingBytes;
        }

        /** The next chunk: the oldest lines up to {@link #CHUNK_BYTES}, after a line saying what was dropped. */
        private synchronized byte[] nextChunk() {
            var chunk = new ByteArrayOutputStream();
            if (droppedHere > 0) {
                chunk.writeBytes(encoded("parcel", Instant.now(), droppedHere + " bytes of older output were dropped"
                        + " on the worker: the document-store did not take them as fast as the job printed"));
                droppedHere = 0;
            }
            while (!pending.isEmpty() && (chunk.size() == 0 || chunk.size() + pending.peek().length <= CHUNK_BYTES)) {
                byte[] line = pending.poll();
                pendingBytes -= line.length;
                chunk.writeBytes(line);
            }
            return chunk.toByteArray();
        }

        /** Sends everything unsent, a chunk at a time. */
        private void sendAll() throws InterruptedException {
            while (unsentBytes() > 0 && !stopped) {
                send();
            }
        }

        /** Sends the next chunk until the document-store takes it or the capture stops. */
        private void send() throws InterruptedException {
            byte[] lines = nextChunk();
            lastSentAt = Instant.now();
            if (lines.length == 0) {
                return;
            }
            // Numbered by the clock: a restarted executor's chunks come after this one's, in order.
            long chunk = Math.max(lastChunk + 1, System.currentTimeMillis());
            lastChunk = chunk;
            var backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
            while (!stopped) {
                var token = tokens.tokenFor(job);
                if (token.isEmpty()) {
                    return;
                }
                try {
                    documents.appendLog(job.jobId(), chunk, lines, token.get());
                    return;
                } catch (IOException e) {
                    LOG.warnf("job %s attempt %d: a log chunk was not stored (%s); trying again", job.jobId(),
                            job.attempt(), e.getMessage());
                    backoff.pause();
                }
            }
        }
    }
}
