package dev.parcel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.parcel.events.Topics;
import java.io.Closeable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * When each step of a job happened, seen from outside the services: its placement and its reported outcome on the
 * broker ({@code occurredAt} of JobScheduled and JobCompleted), and its container's create, start and die in the
 * engine's event stream. Everything runs on one machine, so the clocks agree.
 */
final class JobTimeline implements Closeable {
    /** The label the executor puts on a job's own container (not on its stager). */
    private static final String JOB_LABEL = "dev.parcel.job-id";
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Steps of one job, each as the instant it happened; keyed by job id, then by step. */
    private final Map<String, Map<String, Instant>> steps = new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final Thread polling;
    private final Closeable engineEvents;
    private volatile boolean closed;

    JobTimeline(String kafka, DockerClient docker) throws InterruptedException {
        consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-timeline-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.JOB_SCHEDULED, Topics.JOB_COMPLETED));
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100));
        }
        polling = new Thread(this::poll, "bench-timeline");
        polling.start();
        engineEvents = docker.eventsCmd().withEventFilter("create", "start", "die").withLabelFilter(JOB_LABEL)
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        String jobId = event.getActor().getAttributes().get(JOB_LABEL);
                        Instant at = Instant.EPOCH.plusNanos(event.getTimeNano());
                        step(jobId, "container " + event.getAction(), at);
                    }
                });
    }

    private void poll() {
        while (!closed) {
            for (var record : consumer.poll(Duration.ofMillis(100))) {
                try {
                    JsonNode event = json.readTree(record.value());
                    String step = record.topic().equals(Topics.JOB_SCHEDULED) ? "placed" : "reported";
                    step(event.path("jobId").asText(), step, instant(event.path("occurredAt")));
                } catch (Exception e) {
                    System.err.println("bench: an event the timeline could not read: " + e);
                }
            }
        }
        consumer.close();
    }

    private void step(String jobId, String step, Instant at) {
        steps.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>()).putIfAbsent(step, at);
    }

    private static Instant instant(JsonNode node) {
        if (node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9)
                    .longValue());
        }
        return Instant.parse(node.asText());
    }

    /** The job's steps once all of them were seen; empty if some never came within a few seconds. */
    Optional<Map<String, Instant>> of(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var seen = steps.get(jobId);
            if (seen != null && seen.keySet().containsAll(List.of("placed", "container create", "container start",
                    "container die", "reported"))) {
                return Optional.of(steps.remove(jobId));
            }
            Thread.sleep(5);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
        try {
            engineEvents.close();
            polling.join();
        } catch (Exception e) {
            System.err.println("bench: the timeline did not close cleanly: " + e);
        }
    }
}
