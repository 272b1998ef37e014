package dev.parcel.scheduler.messaging;

import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.testkit.EventBusProbe;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Workers that keep heartbeating, as executors do, until a test stops them or falls silent itself. */
final class Heartbeats implements AutoCloseable {
    private final Map<String, WorkerHeartbeat> beating = new ConcurrentHashMap<>();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

    Heartbeats() {
        beats.scheduleAtFixedRate(() -> beating.values().forEach(Heartbeats::send), 0, 1, TimeUnit.SECONDS);
    }

    /** Beats now and every second from now on, with what {@code heartbeat} offers. */
    void keep(WorkerHeartbeat heartbeat) {
        send(heartbeat);
        beating.put(heartbeat.workerId(), heartbeat);
    }

    /** The worker falls silent, as one does when its host goes away. */
    void stop(String workerId) {
        beating.remove(workerId);
    }

    /** Sends {@code heartbeat}'s offer and draining flag as a heartbeat of its own, stamped now. */
    static void send(WorkerHeartbeat heartbeat) {
        EventBusProbe.publish(Topics.WORKER_HEARTBEAT, heartbeat.workerId(), new WorkerHeartbeat(UUID.randomUUID(),
                Instant.now(), WorkerHeartbeat.VERSION, heartbeat.workerId(), heartbeat.cpus(),
                heartbeat.memoryBytes(), heartbeat.maxCpusPerJob(), heartbeat.maxMemoryBytesPerJob(),
                heartbeat.draining()));
    }

    @Override
    public void close() {
        beats.shutdownNow();
    }
}
