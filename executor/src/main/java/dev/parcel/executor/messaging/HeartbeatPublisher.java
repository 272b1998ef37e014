package dev.parcel.executor.messaging;

import dev.parcel.events.MemoryNotation;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.executor.config.ExecutorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Tells the scheduler this worker is alive and what it offers; a silent worker gets no new jobs. The last heartbeat
 * of a worker that stops says it is draining, so that the scheduler places nothing more on it while its running jobs
 * stay its own.
 */
@ApplicationScoped
public class HeartbeatPublisher {
    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);
    private static final Duration LAST_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

    private final MutinyEmitter<WorkerHeartbeat> heartbeats;
    private final ExecutorConfig config;
    private volatile boolean draining;

    HeartbeatPublisher(@Channel("worker-heartbeat") MutinyEmitter<WorkerHeartbeat> heartbeats, ExecutorConfig config) {
        this.heartbeats = heartbeats;
        this.config = config;
    }

    /** Not before the application has started: until then the emitter's channel may not be connected yet. */
    @Scheduled(every = "${parcel.executor.heartbeat-interval}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void beat() {
        if (!draining) {
            heartbeats.sendMessageAndForget(StatusReporter.keyed(offer()));
        }
    }

    void onStop(@Observes ShutdownEvent stopping) {
        draining = true;
        try {
            heartbeats.sendMessage(StatusReporter.keyed(offer().asDraining())).await().atMost(LAST_HEARTBEAT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("the draining heartbeat was not acknowledged: %s", e.getMessage());
        }
    }

    private WorkerHeartbeat offer() {
        return WorkerHeartbeat.of(config.workerId(), config.cpus(), MemoryNotation.parseBytes(config.memory()),
                config.maxCpusPerJob(), MemoryNotation.parseBytes(config.maxMemoryPerJob()));
    }
}
