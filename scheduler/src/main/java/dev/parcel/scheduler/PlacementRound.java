package dev.parcel.scheduler;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobStatusReported;
import dev.parcel.events.Topics;
import dev.parcel.outbox.Outbox;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.outbox.TraceParent;
import dev.parcel.scheduler.config.SchedulerConfig;
import dev.parcel.scheduler.domain.Assignment;
import dev.parcel.scheduler.domain.PendingJob;
import dev.parcel.scheduler.domain.Placement;
import dev.parcel.scheduler.domain.ResourceRequest;
import dev.parcel.scheduler.domain.WaitReasons;
import dev.parcel.scheduler.domain.Worker;
import dev.parcel.scheduler.messaging.SchedulerEvents;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import dev.parcel.scheduler.persistence.SchedulerStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One placement round: snapshot the queue and the live workers, let the pure {@link Placement} decide, then record
 * the assignments and append their JobScheduled to the outbox in one transaction, so an assignment exists exactly
 * when its event will be published, and a worker can only hear of (and complete) an attempt already recorded. No
 * round waits for the broker. Rounds hold a database lock, so replicas never place the same job twice.
 *
 * <p>Events only {@link #request()} rounds: requests made while rounds run are coalesced into one more, and rounds
 * repeat while each fills up, so a burst of events costs a few rounds, the events are consumed at their own pace,
 * and a long queue drains without waiting for the next event.
 *
 * <p>A round works for many jobs at once, so it is in no job's trace; each placement is, as a span of its own
 * ({@code place}) under the trace its job was submitted in, and its JobScheduled is published in that span's trace.
 */
@ApplicationScoped
public class PlacementRound {
    private static final Logger LOG = Logger.getLogger(PlacementRound.class);

    private final SchedulerStore store;
    private final SchedulerConfig config;
    private final SchedulerEvents events;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Tracer tracer;

    private final MultiEmitter<? super Boolean> requests;
    private final Timer roundTime;
    private final DistributionSummary roundPlacements;

    PlacementRound(SchedulerStore store, SchedulerConfig config, SchedulerEvents events, Outbox outbox,
            OutboxRelay relay, Tracer tracer, MeterRegistry metrics) {
        this.store = store;
        this.tracer = tracer;
        this.config = config;
        this.events = events;
        this.outbox = outbox;
        this.relay = relay;
        this.roundTime = Timer.builder("parcel.placement.round")
                .description("How long placement rounds take, from the lock to the commit").register(metrics);
        this.roundPlacements = DistributionSummary.builder("parcel.placement.round.placed")
                .description("How many jobs each placement round placed").register(metrics);
        var requested = new AtomicReference<MultiEmitter<? super Boolean>>();
        // One pass at a time (concatenate asks for the next request only when a pass ends); of the requests made
        // meanwhile only the latest is kept, so they become one more pass.
        Multi.createFrom().<Boolean>emitter(requested::set)
                .onOverflow().dropPreviousItems()
                .onItem().transformToUniAndConcatenate(request -> roundsWhileFull())
                .subscribe().with(done -> { });
        this.requests = requested.get();
    }

    /**
     * Asks for placement without waiting for it: on the caller's Vert.x context now if no round runs, else once
     * more after the running ones.
     */
    public void request() {
        requests.emit(Boolean.TRUE);
    }

    /** Rounds until one places less than a full round; a failure is logged and left to the next request. */
    private Uni<Void> roundsWhileFull() {
        return Uni.createFrom().deferred(this::run).repeat().until(placed -> placed < config.roundSize())
                .onFailure().invoke(failure -> LOG.warnf("placement round failed, retried by the next one: %s",
                        failure.getMessage()))
                .onFailure().recoverWithCompletion()
                .onItem().ignoreAsUni();
    }

    /**
     * Catches what no event triggers: a worker that became live again, a round that failed. Returning a Uni puts the
     * request on a Vert.x context, where a round's reactive session must run.
     */
    @Scheduled(every = "${parcel.scheduler.round-interval:5s}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> periodically() {
        request();
        return Uni.createFrom().voidItem();
    }

    /**
     * The item is how many jobs were placed. The jobs left queued are told why they wait, in the same transaction,
     * when the reason is not what they were told last.
     */
    public Uni<Integer> run() {
        var told = new AtomicBoolean();
        long started = System.nanoTime();
        return Panache.withTransaction(() -> store.lockPlacement()
                .chain(() -> store.placeableWorkers(Instant.now().minus(config.placeableFor())))
                .chain(workers -> store.oldestQueued(config.roundSize()).chain(queue -> {
                    var pending = pending(queue);
                    List<Assignment> plan = workers.stream().anyMatch(Worker::hasRoom)
                            ? Placement.plan(pending, workers)
                            : List.of();
                    Map<String, QueuedJobEntity> byId = queue.stream()
                            .collect(Collectors.toMap(job -> job.jobId, Function.identity()));
                    return assign(byId, plan).call(() -> tellWhyTheyWait(byId,
                            WaitReasons.explain(pending, plan, workers)).invoke(told::set));
                })))
                .invoke(placed -> {
                    roundTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    roundPlacements.record(placed);
                    if (placed > 0 || told.get()) {
                        relay.publishSoon();
                    }
                });
    }

    /** Whether anyone was told. */
    private Uni<Boolean> tellWhyTheyWait(Map<String, QueuedJobEntity> byId,
            Map<String, WaitReasons.WaitReason> reasons) {
        var reports = new ArrayList<JobStatusReported>();
        reasons.forEach((jobId, why) -> {
            QueuedJobEntity job = byId.get(jobId);
            if (!why.reason().equals(job.waitReason)) {
                job.waitReason = why.reason();
                // The attempt it waits to become: the job-api's Pending of that attempt takes the newest message.
                reports.add(JobStatusReported.of(jobId, job.attempt + 1, null, JobPhase.Pending, why.message()));
            }
        });
        return reports.isEmpty()
                ? Uni.createFrom().item(false)
                : outbox.appendAll(Topics.JOB_STATUS_REPORTED, reports, report -> byId.get(report.jobId()).traceparent)
                        .replaceWith(true);
    }

    private Uni<Integer> assign(Map<String, QueuedJobEntity> byId, List<Assignment> plan) {
        if (plan.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Instant now = Instant.now();
        Map<String, String> traces = new HashMap<>();
        List<JobScheduled> placements = plan.stream().map(assignment -> {
            QueuedJobEntity job = byId.get(assignment.jobId());
            job.state = QueuedJobEntity.State.SCHEDULED;
            job.attempt += 1;
            job.workerId = assignment.workerId();
            job.grantedCpus = assignment.granted().cpus();
            job.grantedMemoryBytes = assignment.granted().memoryBytes();
            job.updatedAt = now;
            JobScheduled placement = events.scheduled(job);
            traces.put(job.jobId, traced(job));
            return placement;
        }).toList();
        return outbox.appendAll(Topics.JOB_SCHEDULED, placements, placement -> traces.get(placement.jobId()))
                .replaceWith(plan.size());
    }

    /** The traceparent of the job's {@code place} span; null (no span) for a job submitted untraced. */
    private String traced(QueuedJobEntity job) {
        if (job.traceparent == null) {
            return null;
        }
        Span place = tracer.spanBuilder("place")
                .setParent(TraceParent.parent(job.traceparent))
                .setAttribute("parcel.job.id", job.jobId)
                .setAttribute("parcel.job.attempt", job.attempt)
                .setAttribute("parcel.worker.id", job.workerId)
                .startSpan();
        place.end();
        return TraceParent.of(place.getSpanContext());
    }

    private static List<PendingJob> pending(List<QueuedJobEntity> queue) {
        return queue.stream()
                .map(job -> new PendingJob(job.jobId, new ResourceRequest(job.requestedCpus, job.requestedMemoryBytes)))
                .toList();
    }
}
