package dev.parcel.executor;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the fakes were asked to do, in order ("create J1/1", "completed J1/1 Succeeded", ...), to assert on. */
final class Timeline {
    private final List<String> entries = new ArrayList<>();

    synchronized void add(String entry) {
        entries.add(entry);
        notifyAll();
    }

    synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    synchronized boolean contains(String entry) {
        return entries.contains(entry);
    }

    synchronized int count(String entry) {
        return (int) entries.stream().filter(entry::equals).count();
    }

    synchronized int indexOf(String entry) {
        return entries.indexOf(entry);
    }

    /** The first entry starting with {@code prefix}, waiting for it at most {@code patience}. */
    synchronized String await(String prefix, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            var found = entries.stream().filter(entry -> entry.startsWith(prefix)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no \"" + prefix + "\" within " + patience + "; the timeline is " + entries);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
