package dev.parcel.scheduler;

import dev.parcel.events.JobScheduled;
import dev.parcel.scheduler.config.SchedulerConfig;
import dev.parcel.scheduler.domain.Assignment;
import dev.parcel.scheduler.domain.PendingJob;
import dev.parcel.scheduler.domain.Placement;
import dev.parcel.scheduler.domain.ResourceRequest;
import dev.parcel.scheduler.messaging.SchedulerPublisher;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import dev.parcel.scheduler.persistence.SchedulerStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One placement round: snapshot the queue and the live workers, let the pure {@link Placement} decide, then record
 * the assignments and publish their JobScheduled in the same transaction, so an assignment exists exactly when its
 * event was acknowledged by the broker. Rounds hold a database lock, so replicas never place the same job twice.
 */
@ApplicationScoped
public class PlacementRound {
    private static final Logger LOG = Logger.getLogger(PlacementRound.class);

    private final SchedulerStore store;
    private final SchedulerConfig config;
    private final SchedulerPublisher publisher;

    PlacementRound(SchedulerStore store, SchedulerConfig config, SchedulerPublisher publisher) {
        this.store = store;
        this.config = config;
        this.publisher = publisher;
    }

    /** Runs a round; a failure is logged and left to the next round, never thrown at the caller. */
    public Uni<Void> runQuietly() {
        return run().onFailure().invoke(failure -> LOG.warnf("placement round failed, retried by the next one: %s",
                failure.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Catches what no event triggers: a worker that became live again, a round that failed. */
    @Scheduled(every = "${parcel.scheduler.round-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> periodically() {
        return runQuietly();
    }

    /** The item is how many jobs were placed. */
    public Uni<Integer> run() {
        return Panache.withTransaction(() -> store.lockPlacement()
                .chain(() -> store.oldestQueued(config.roundSize()))
                .chain(queue -> queue.isEmpty()
                        ? Uni.createFrom().item(0)
                        : store.liveWorkers(Instant.now().minus(config.workerTimeout()))
                                .chain(workers -> assign(queue, Placement.plan(pending(queue), workers)))));
    }

    private Uni<Integer> assign(List<QueuedJobEntity> queue, List<Assignment> plan) {
        if (plan.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Map<String, QueuedJobEntity> byId = queue.stream()
                .collect(Collectors.toMap(job -> job.jobId, Function.identity()));
        Instant now = Instant.now();
        List<JobScheduled> events = plan.stream().map(assignment -> {
            QueuedJobEntity job = byId.get(assignment.jobId());
            job.state = QueuedJobEntity.State.SCHEDULED;
            job.attempt += 1;
            job.workerId = assignment.workerId();
            job.grantedCpus = assignment.granted().cpus();
            job.grantedMemoryBytes = assignment.granted().memoryBytes();
            job.updatedAt = now;
            return publisher.scheduledEvent(job);
        }).toList();
        return publisher.publish(events).replaceWith(plan.size());
    }

    private static List<PendingJob> pending(List<QueuedJobEntity> queue) {
        return queue.stream()
                .map(job -> new PendingJob(job.jobId, new ResourceRequest(job.requestedCpus, job.requestedMemoryBytes)))
                .toList();
    }
}
