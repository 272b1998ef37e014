package dev.parcel.executor.messaging;

import dev.parcel.events.MemoryNotation;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.executor.config.ExecutorConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Tells the scheduler this worker is alive and what it offers; a silent worker gets no new jobs. */
@ApplicationScoped
public class HeartbeatPublisher {
    private final MutinyEmitter<WorkerHeartbeat> heartbeats;
    private final ExecutorConfig config;

    HeartbeatPublisher(@Channel("worker-heartbeat") MutinyEmitter<WorkerHeartbeat> heartbeats, ExecutorConfig config) {
        this.heartbeats = heartbeats;
        this.config = config;
    }

    /** Not before the application has started: until then the emitter's channel may not be connected yet. */
    @Scheduled(every = "${parcel.executor.heartbeat-interval}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void beat() {
        var heartbeat = WorkerHeartbeat.of(config.workerId(), config.cpus(), MemoryNotation.parseBytes(config.memory()),
                config.maxCpusPerJob(), MemoryNotation.parseBytes(config.maxMemoryPerJob()));
        heartbeats.sendMessageAndForget(StatusReporter.keyed(heartbeat));
    }
}
