package dev.parcel.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sets aside a record that can never be processed: the same key and value on {@code <topic>.dead-letter}, with
 * headers saying why and where it came from, so an operator can read, fix and replay it. Several consumer groups
 * read some topics, so a record may be set aside once per group; its origin headers tell the copies apart.
 */
@ApplicationScoped
public class DeadLetters {
    public static final String TOPIC_SUFFIX = ".dead-letter";
    public static final String REASON_HEADER = "dead-letter-reason";
    public static final String TOPIC_HEADER = "dead-letter-topic";
    public static final String PARTITION_HEADER = "dead-letter-partition";
    public static final String OFFSET_HEADER = "dead-letter-offset";
    /** A reason quotes a parser or an exception; it must not make the dead letter too large to publish. */
    private static final int MAX_REASON_CHARS = 1_000;
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final MutinyEmitter<String> kafka;
    private final MeterRegistry metrics;

    DeadLetters(@Channel("dead-letter") MutinyEmitter<String> kafka, MeterRegistry metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /** Completes when the broker has the dead letter; the caller commits the record's offset only then. */
    Uni<Void> send(ConsumerRecord<String, String> record, String reason) {
        String deadLetterTopic = record.topic() + TOPIC_SUFFIX;
        String shortReason = reason == null || reason.isBlank() ? "unprocessable" : truncate(reason);
        List<RecordHeader> headers = List.of(
                header(REASON_HEADER, shortReason),
                header(TOPIC_HEADER, record.topic()),
                header(PARTITION_HEADER, Integer.toString(record.partition())),
                header(OFFSET_HEADER, Long.toString(record.offset())));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(deadLetterTopic)
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        return kafka.sendMessage(Message.of(record.value() == null ? "" : record.value()).addMetadata(metadata))
                .invoke(() -> {
                    LOG.warnf("set aside %s-%d@%d on %s: %s", record.topic(), record.partition(), record.offset(),
                            deadLetterTopic, shortReason);
                    metrics.counter("parcel.dead.letters", "topic", record.topic()).increment();
                });
    }

    private static String truncate(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "…";
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
