package dev.parcel.scheduler;

import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.Topics;
import dev.parcel.outbox.Outbox;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.scheduler.config.SchedulerConfig;
import dev.parcel.scheduler.domain.LostAttempt;
import dev.parcel.scheduler.domain.Rescheduling;
import dev.parcel.scheduler.domain.WorkerLease;
import dev.parcel.scheduler.messaging.BrokerProbe;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import dev.parcel.scheduler.persistence.SchedulerStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Takes their jobs from workers whose lease ran out: the pure {@link Rescheduling} decides whether each is queued
 * again as its next attempt (announced as a Pending report of that attempt) or ends Failed, and the change and its
 * events are committed together through the outbox. It holds the placement lock, so it never races a round or
 * another replica's check, and it runs on a timer, never per round: while no worker is lost it reads only the
 * workers.
 */
@Startup
@ApplicationScoped
public class LeaseCheck {
    private static final Logger LOG = Logger.getLogger(LeaseCheck.class);

    private final SchedulerStore store;
    private final SchedulerConfig config;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final PlacementRound round;
    private final BrokerProbe broker;
    /**
     * Since when this scheduler has heard heartbeats without a break: its start (created at startup for that
     * reason), or the end of the last time it could not hear them, the broker or its database away. Heartbeats sent
     * meanwhile are still to be read, so no worker's silence counts from before then.
     */
    private volatile Instant listeningSince = Instant.now();
    private final AtomicBoolean deaf = new AtomicBoolean();

    LeaseCheck(SchedulerStore store, SchedulerConfig config, Outbox outbox, OutboxRelay relay, PlacementRound round,
            BrokerProbe broker) {
        this.store = store;
        this.config = config;
        this.outbox = outbox;
        this.relay = relay;
        this.round = round;
        this.broker = broker;
    }

    @Scheduled(every = "${parcel.scheduler.lease-check-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> periodically() {
        return broker.answers()
                .chain(answers -> answers ? run().replaceWithVoid() : Uni.createFrom().failure(
                        new IllegalStateException("the broker does not answer")))
                .onFailure().invoke(this::deaf)
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Said once per outage, not every check. */
    private void deaf(Throwable why) {
        if (!deaf.getAndSet(true)) {
            LOG.warnf("lease check not done, no worker's silence counts until it is again: %s", why.getMessage());
        }
    }

    /** The item is how many jobs were taken from lost workers. */
    public Uni<Integer> run() {
        if (deaf.getAndSet(false)) {
            listeningSince = Instant.now();
            LOG.info("lease check done again; every worker's silence counts from now");
        }
        return Panache.withTransaction(() -> store.lockPlacement()
                        .chain(store::workerLeases)
                        .map(leases -> WorkerLease.lost(leases, Instant.now(), config.workerLease(), listeningSince))
                        .chain(lost -> lost.isEmpty()
                                ? Uni.createFrom().item(List.<QueuedJobEntity>of())
                                : store.placedOn(lost))
                        .chain(this::reschedule))
                .invoke(rescheduled -> {
                    if (rescheduled > 0) {
                        relay.publishSoon();
                        round.request();
                    }
                });
    }

    private Uni<Integer> reschedule(List<QueuedJobEntity> jobs) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> jobIds = jobs.stream().map(job -> job.jobId).toList();
        return store.lostWorkersOf(jobIds).chain(earlier -> store.terminationsRequested(jobIds)
                .chain(terminating -> apply(jobs, earlier, terminating)));
    }

    private Uni<Integer> apply(List<QueuedJobEntity> jobs, Map<String, List<String>> earlierLostWorkers,
            Set<String> terminating) {
        Instant now = Instant.now();
        var lost = new ArrayList<LostAttempt>();
        var requeued = new ArrayList<JobStatusReported>();
        var ended = new ArrayList<JobCompleted>();
        for (QueuedJobEntity job : jobs) {
            var attempt = new LostAttempt(job.jobId, job.attempt, job.workerId,
                    earlierLostWorkers.getOrDefault(job.jobId, List.of()), terminating.contains(job.jobId));
            lost.add(attempt);
            Rescheduling fate = Rescheduling.of(attempt, config.maxAttempts());
            if (fate instanceof Rescheduling.NextAttempt next) {
                // The attempt number stays the lost one's until the next placement counts it up.
                job.state = QueuedJobEntity.State.QUEUED;
                job.workerId = null;
                job.grantedCpus = null;
                job.grantedMemoryBytes = null;
                job.waitReason = null;
                requeued.add(JobStatusReported.of(next.jobId(), next.attempt(), null, JobPhase.Pending,
                        next.message()));
            } else if (fate instanceof Rescheduling.Ended end) {
                job.state = QueuedJobEntity.State.DONE;
                ended.add(JobCompleted.of(end.jobId(), end.attempt(), end.workerId(), JobPhase.Failed,
                        end.reason(), null, end.message(), List.of(), null, now));
            }
            job.updatedAt = now;
        }
        LOG.infof("%d job(s) lost their worker: %d queued again, %d ended", jobs.size(), requeued.size(),
                ended.size());
        // In each job's own trace: the check runs in none.
        Map<String, String> traces = new HashMap<>();
        jobs.forEach(job -> traces.put(job.jobId, job.traceparent));
        return store.recordLost(lost)
                .chain(() -> outbox.appendAll(Topics.JOB_STATUS_REPORTED, requeued,
                        report -> traces.get(report.jobId())))
                .chain(() -> outbox.appendAll(Topics.JOB_COMPLETED, ended, completed -> traces.get(completed.jobId())))
                .replaceWith(jobs.size());
    }
}
