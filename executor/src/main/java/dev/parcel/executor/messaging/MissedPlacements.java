package dev.parcel.executor.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.Topics;
import dev.parcel.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The placements on the bus behind the last one this worker acknowledged, read once at start, before recovery:
 * while the executor was away the scheduler may have placed its jobs again on another worker, and recovery must know
 * that before it collects the outputs of, or reports, an attempt that is no longer the job's. The channel's own
 * consumer delivers the same records afterwards; this reader only looks (it assigns partitions, never joins the
 * group, never commits).
 */
@ApplicationScoped
public class MissedPlacements {
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private final ObjectMapper json;

    MissedPlacements(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            @ConfigProperty(name = "mp.messaging.incoming.job-scheduled.group.id") String group,
            ExecutorConfig config, ObjectMapper json) {
        this.timeout = config.missedPlacementsTimeout();
        this.consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.json = json;
    }

    /**
     * Every decodable placement from this worker's committed offsets (the beginning where none is committed, as the
     * channel does) to the end of each partition as it was when asked. Fails when the broker does not answer within
     * {@code parcel.executor.missed-placements-timeout}, or the records take longer than that to read.
     */
    public List<JobScheduled> read() {
        try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.JOB_SCHEDULED, timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions), timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            var missed = new ArrayList<JobScheduled>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the placements behind this worker's last took more than "
                            + timeout + " to read");
                }
                for (var record : consumer.poll(POLL)) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        decode(record.value(), missed);
                    }
                }
            }
            return missed;
        }
    }

    /** A record that cannot be read is the channel's to set aside; recovery only needs the placements. */
    private void decode(String value, List<JobScheduled> into) {
        try {
            JobScheduled placement = json.readValue(value, JobScheduled.class);
            if (placement != null && placement.jobId() != null && placement.workerId() != null) {
                into.add(placement);
            }
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            // See above.
        }
    }
}
