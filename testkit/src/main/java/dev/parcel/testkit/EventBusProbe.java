package dev.parcel.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events to the shared broker and waits for the events a service under test publishes. */
public final class EventBusProbe {
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EventBusProbe() {
    }

    public static void publish(String topic, String key, Object event) {
        try {
            publishRaw(topic, key, JSON.writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("could not write an event for " + topic, e);
        }
    }

    /** Publishes {@code value} as it is, JSON or not; the item is where the broker put it. */
    public static RecordMetadata publishRaw(String topic, String key, String value) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    /** The first event on {@code topic} (read from the beginning) that matches, or an AssertionError. */
    public static <T> T await(String topic, Class<T> type, Predicate<T> matching, Duration timeout) {
        return awaitAll(topic, type, matching, 1, timeout).get(0);
    }

    /**
     * Waits until consumer group {@code group} has committed offsets up to the end of every partition of
     * {@code topic}: everything published there before this call has been applied by that service.
     */
    public static void awaitConsumed(String group, String topic, Duration timeout) {
        try (var admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            var ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                boolean caughtUp = partitions.stream().allMatch(p -> ends.get(p).offset() == 0
                        || committed.get(p) != null && committed.get(p).offset() >= ends.get(p).offset());
                if (caughtUp) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError(group + " did not consume " + topic + " within " + timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not read offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails when an event matching appears on {@code topic} within {@code window}. */
    public static <T> void assertNone(String topic, Class<T> type, Predicate<T> matching, Duration window) {
        try {
            T unexpected = await(topic, type, matching, window);
            throw new AssertionError("expected no such event on " + topic + ", got " + unexpected);
        } catch (AssertionError none) {
            if (none.getMessage().startsWith("expected no such event")) {
                throw none;
            }
        }
    }

    public static <T> List<T> awaitAll(String topic, Class<T> type, Predicate<T> matching, int count,
            Duration timeout) {
        return awaitRecords(topic, record -> read(record, type).filter(matching).isPresent(), count, timeout)
                .stream().map(record -> read(record, type).orElseThrow()).toList();
    }

    /** The first {@code count} records on {@code topic} (read from the beginning) that match, as they are. */
    public static List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> matching, int count, Duration timeout) {
        var found = new java.util.ArrayList<ConsumerRecord<String, String>>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (matching.test(record)) {
                        found.add(record);
                        if (found.size() == count) {
                            return found;
                        }
                    }
                }
            }
        }
        throw new AssertionError("expected " + count + " matching record(s) on " + topic + " within " + timeout
                + ", saw " + found.size());
    }

    /**
     * The record's event, or empty when it is not one: the shared broker also carries the records that tests of
     * dead-lettering put there on purpose.
     */
    private static <T> java.util.Optional<T> read(ConsumerRecord<String, String> record, Class<T> type) {
        try {
            return java.util.Optional.ofNullable(JSON.readValue(record.value(), type));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }
}
