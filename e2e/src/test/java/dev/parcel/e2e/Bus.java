package dev.parcel.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logmanager.LogContext;

/**
 * The platform's broker as a test writes to it and reads from it directly: records written past the services, and
 * what the platform makes of those it cannot apply. A consumer that cannot apply a record of topic T moves on and
 * leaves it on {@code T.dead-letter}, with headers {@code dead-letter-partition} and {@code dead-letter-offset}
 * (where it was on T) and {@code dead-letter-reason}, all UTF-8 strings, and the record's value unchanged.
 */
final class Bus implements AutoCloseable {
    static final String DEAD_LETTER_SUFFIX = ".dead-letter";
    private static final String BOOTSTRAP = "127.0.0.1:" + LocalPlatform.KAFKA_PORT;

    static {
        // The clients log every configuration they start with; the test's own lines would drown in them.
        LogContext.getLogContext().getLogger("org.apache.kafka").setLevel(Level.WARNING);
    }

    /** A record written to {@code topic}, and where the broker put it. */
    record Sent(String topic, int partition, long offset, String value) {
        Position position() {
            return new Position(Integer.toString(partition), Long.toString(offset));
        }
    }

    /** Where a dead letter says its record was on the original topic, as its headers spell it. */
    record Position(String partition, String offset) {
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** A record read from a dead-letter topic. */
    record DeadLetter(Position position, String reason, String value) {
    }

    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    private KafkaProducer<String, String> producer;

    /**
     * Where each partition of the dead-letter topics of {@code topics} that exist ends now: what a test reads later
     * starts there, so dead letters of earlier runs on the same state directory are not counted.
     */
    Map<TopicPartition, Long> deadLetterEnds(Collection<String> topics) {
        var existing = existing(topics.stream().map(Bus::deadLetterTopic).toList());
        return offsets(partitions(existing), OffsetSpec.latest());
    }

    /** Writes the records, in order, and waits until the broker has them all; returns where each went. */
    synchronized List<Sent> write(List<ProducerRecord<String, String>> records) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        }
        var sending = records.stream().map(producer::send).toList();
        var sent = new ArrayList<Sent>();
        for (int i = 0; i < records.size(); i++) {
            RecordMetadata metadata = get(sending.get(i));
            sent.add(new Sent(records.get(i).topic(), metadata.partition(), metadata.offset(),
                    records.get(i).value()));
        }
        return sent;
    }

    /** Which of {@code topics} each consumer group's members read now: asked while the services are healthy. */
    Map<String, Set<String>> readers(Collection<String> topics) {
        var groups = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
                .map(GroupListing::groupId).toList();
        var readers = new HashMap<String, Set<String>>();
        get(admin.describeConsumerGroups(groups).all()).forEach((group, description) -> description.members()
                .forEach(member -> member.assignment().topicPartitions().stream().map(TopicPartition::topic)
                        .filter(topics::contains)
                        .forEach(topic -> readers.computeIfAbsent(group, g -> new HashSet<>()).add(topic))));
        return readers;
    }

    /**
     * Reads the dead-letter topic of every topic in {@code expected}, each partition from {@code from} (from its
     * beginning when a partition is not there), until every expected position has appeared or {@code deadline}
     * passes. A topic that does not exist by then has no entry.
     */
    Map<String, List<DeadLetter>> readDeadLetters(Map<String, Set<Position>> expected,
            Map<TopicPartition, Long> from, Instant deadline) {
        var read = new LinkedHashMap<String, List<DeadLetter>>();
        var next = new HashMap<TopicPartition, Long>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            while (true) {
                var missing = expected.keySet().stream().map(Bus::deadLetterTopic)
                        .filter(topic -> !read.containsKey(topic)).toList();
                var appeared = existing(missing);
                if (!appeared.isEmpty()) {
                    var partitions = partitions(appeared);
                    var beginnings = offsets(partitions, OffsetSpec.earliest());
                    partitions.forEach(partition -> next.put(partition,
                            Math.max(from.getOrDefault(partition, 0L), beginnings.getOrDefault(partition, 0L))));
                    appeared.forEach(topic -> read.put(topic, new ArrayList<>()));
                    consumer.assign(next.keySet());
                    next.forEach(consumer::seek);
                }
                if (!next.isEmpty()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                        read.get(record.topic()).add(deadLetter(record));
                        next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                }
                boolean complete = expected.entrySet().stream().allMatch(entry -> {
                    var letters = read.get(deadLetterTopic(entry.getKey()));
                    return letters != null && letters.stream().map(DeadLetter::position).collect(Collectors.toSet())
                            .containsAll(entry.getValue());
                });
                if (!complete && Instant.now().isAfter(deadline)) {
                    drain(consumer, read);
                }
                if (complete || Instant.now().isAfter(deadline)) {
                    return read.entrySet().stream().collect(Collectors.toMap(
                            entry -> entry.getKey().substring(0,
                                    entry.getKey().length() - DEAD_LETTER_SUFFIX.length()),
                            Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
                }
                if (next.isEmpty()) {
                    ChaosIT.pause(Duration.ofMillis(500));
                }
            }
        }
    }

    /** Reads what the assigned partitions hold now to its end (for at most 30 s more): a late look sees it all. */
    private void drain(KafkaConsumer<String, String> consumer, Map<String, List<DeadLetter>> read) {
        var ends = offsets(new ArrayList<>(consumer.assignment()), OffsetSpec.latest());
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until) && ends.entrySet().stream()
                .anyMatch(end -> consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue())) {
            consumer.poll(Duration.ofMillis(500)).forEach(record -> read.get(record.topic()).add(deadLetter(record)));
        }
    }

    private static DeadLetter deadLetter(ConsumerRecord<String, String> record) {
        var position = new Position(header(record, "dead-letter-partition"), header(record, "dead-letter-offset"));
        return new DeadLetter(position, header(record, "dead-letter-reason"), record.value());
    }

    /**
     * Moves every consumer group that reads the topic of these records and is not past them yet to just after the
     * last of them in its partition, so consumers that cannot get past them work again. Repair for a platform these
     * records broke; only with the services stopped (a group with members cannot be moved). A group reads a topic it
     * has a position on, or that {@code readers} says it read; records between its position and the last of these,
     * if any, are skipped with them.
     */
    void skip(List<Sent> records, Map<String, Set<String>> readers) {
        var afterLast = new HashMap<TopicPartition, Long>();
        records.forEach(record -> afterLast.merge(new TopicPartition(record.topic(), record.partition()),
                record.offset() + 1, Math::max));
        for (var group : get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all())) {
            var committed = get(admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata());
            var reads = new HashSet<>(readers.getOrDefault(group.groupId(), Set.of()));
            committed.keySet().forEach(partition -> reads.add(partition.topic()));
            var moves = new HashMap<TopicPartition, OffsetAndMetadata>();
            afterLast.forEach((partition, offset) -> {
                OffsetAndMetadata position = committed.get(partition);
                if (reads.contains(partition.topic()) && (position == null || position.offset() < offset)) {
                    moves.put(partition, new OffsetAndMetadata(offset));
                }
            });
            if (!moves.isEmpty()) {
                ChaosIT.log("moving consumer group %s past the bad records: %s", group.groupId(), moves);
                get(admin.alterConsumerGroupOffsets(group.groupId(), moves).all());
            }
        }
    }

    static String deadLetterTopic(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    private List<String> existing(List<String> topics) {
        Set<String> names = get(admin.listTopics().names());
        return topics.stream().filter(names::contains).toList();
    }

    private List<TopicPartition> partitions(List<String> topics) {
        if (topics.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(topics).allTopicNames());
        return descriptions.values().stream().flatMap(description -> description.partitions().stream()
                .map(info -> new TopicPartition(description.name(), info.partition()))).toList();
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        var offsets = get(admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)))
                .all());
        return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** A header's value as a UTF-8 string; null when the record has no such header. */
    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> T get(java.util.concurrent.Future<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker on " + BOOTSTRAP + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        admin.close(Duration.ofSeconds(5));
    }
}
