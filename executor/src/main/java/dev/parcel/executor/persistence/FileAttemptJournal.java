package dev.parcel.executor.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.AttemptJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The attempt journal as a directory of small files, one per attempt and one per termination, each replaced
 * whole (written to a temporary file, synced, renamed over the old one, and the directory synced), so a crash
 * leaves either the old record or the new one. One file per record keeps a write the size of one placement,
 * however many attempts are remembered. Settled attempts and terminations are forgotten after the retention;
 * unsettled ones are kept until they are settled.
 */
public final class FileAttemptJournal implements AttemptJournal {
    private static final Logger LOG = Logger.getLogger(FileAttemptJournal.class);

    private final Path attempts;
    private final Path terminations;
    private final Duration retention;
    private final ObjectMapper json;
    private final Clock clock;
    /** By job id, then attempt: every placement on the bus asks for its job's attempts here. */
    private final Map<String, Map<Integer, AttemptRecord>> attemptRecords = new HashMap<>();
    private final Map<String, Instant> terminationsRequested = new HashMap<>();

    record AttemptRecord(JobScheduled placement, Settled settled, Instant settledAt) {
    }

    record TerminationRecord(String jobId, Instant requestedAt) {
    }

    public FileAttemptJournal(Path directory, Duration retention, ObjectMapper json, Clock clock) {
        this.attempts = directory.resolve("attempts");
        this.terminations = directory.resolve("terminations");
        this.retention = retention;
        this.json = json;
        this.clock = clock;
        try {
            Files.createDirectories(attempts);
            Files.createDirectories(terminations);
            for (Path file : files(attempts)) {
                read(file, AttemptRecord.class).ifPresent(record -> put(AttemptId.of(record.placement()), record));
            }
            for (Path file : files(terminations)) {
                read(file, TerminationRecord.class).ifPresent(record ->
                        terminationsRequested.put(record.jobId(), record.requestedAt()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attempt journal in " + directory, e);
        }
        prune();
    }

    @Override
    public synchronized boolean accept(JobScheduled placement) {
        var id = AttemptId.of(placement);
        if (isKnown(id)) {
            return false;
        }
        var record = new AttemptRecord(placement, null, null);
        write(attempts, fileName(id), record);
        put(id, record);
        return true;
    }

    @Override
    public synchronized Optional<Settled> settled(AttemptId attempt) {
        return Optional.ofNullable(get(attempt)).map(AttemptRecord::settled);
    }

    @Override
    public synchronized boolean isKnown(AttemptId attempt) {
        return get(attempt) != null;
    }

    @Override
    public void markReported(AttemptId attempt) {
        settle(attempt, Settled.REPORTED);
    }

    @Override
    public void markSuperseded(AttemptId attempt) {
        settle(attempt, Settled.SUPERSEDED);
    }

    private synchronized void settle(AttemptId attempt, Settled how) {
        var record = get(attempt);
        if (record == null || record.settled() != null) {
            return;
        }
        var settled = new AttemptRecord(record.placement(), how, clock.instant());
        write(attempts, fileName(attempt), settled);
        put(attempt, settled);
    }

    @Override
    public synchronized void requestTermination(String jobId) {
        if (terminationsRequested.containsKey(jobId)) {
            return;
        }
        Instant now = clock.instant();
        write(terminations, digest(jobId) + ".json", new TerminationRecord(jobId, now));
        terminationsRequested.put(jobId, now);
    }

    @Override
    public synchronized boolean isTerminationRequested(String jobId) {
        return terminationsRequested.containsKey(jobId);
    }

    @Override
    public synchronized List<JobScheduled> unsettled() {
        return attemptRecords.values().stream().flatMap(byAttempt -> byAttempt.values().stream())
                .filter(record -> record.settled() == null).map(AttemptRecord::placement).toList();
    }

    @Override
    public synchronized List<JobScheduled> unsettled(String jobId) {
        var byAttempt = attemptRecords.get(jobId);
        return byAttempt == null ? List.of() : byAttempt.values().stream().filter(record -> record.settled() == null)
                .map(AttemptRecord::placement).toList();
    }

    /** Forgets settled attempts and terminations older than the retention, so the journal does not grow forever. */
    public synchronized void prune() {
        Instant before = clock.instant().minus(retention);
        for (var byAttempt : attemptRecords.values()) {
            var iterator = byAttempt.values().iterator();
            while (iterator.hasNext()) {
                var record = iterator.next();
                if (record.settled() != null && record.settledAt().isBefore(before)) {
                    delete(attempts.resolve(fileName(AttemptId.of(record.placement()))));
                    iterator.remove();
                }
            }
        }
        attemptRecords.values().removeIf(Map::isEmpty);
        var terminated = terminationsRequested.entrySet().iterator();
        while (terminated.hasNext()) {
            var entry = terminated.next();
            if (entry.getValue().isBefore(before)) {
                delete(terminations.resolve(digest(entry.getKey()) + ".json"));
                terminated.remove();
            }
        }
    }

    private AttemptRecord get(AttemptId attempt) {
        var byAttempt = attemptRecords.get(attempt.jobId());
        return byAttempt == null ? null : byAttempt.get(attempt.attempt());
    }

    private void put(AttemptId attempt, AttemptRecord record) {
        attemptRecords.computeIfAbsent(attempt.jobId(), jobId -> new HashMap<>()).put(attempt.attempt(), record);
    }

    private void write(Path directory, String name, Object record) {
        Path temporary = directory.resolve(name + ".tmp");
        try {
            byte[] bytes = json.writeValueAsBytes(record);
            try (var channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            try (var directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
                directoryChannel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the attempt journal in " + directory, e);
        }
    }

    private <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(json.readValue(file.toFile(), type));
        } catch (IOException e) {
            LOG.warnf("ignoring unreadable attempt journal record %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("could not remove attempt journal record %s: %s", file, e.getMessage());
        }
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> listed = Files.list(directory)) {
            return listed.filter(file -> file.getFileName().toString().endsWith(".json")).toList();
        }
    }

    /** Job ids come from the bus; hashed, any id makes a safe file name of bounded length. */
    private static String fileName(AttemptId attempt) {
        return digest(attempt.jobId()) + "-" + attempt.attempt() + ".json";
    }

    private static String digest(String jobId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
