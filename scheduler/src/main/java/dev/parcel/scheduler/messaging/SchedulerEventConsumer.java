package dev.parcel.scheduler.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.JobTerminationRequested;
import dev.parcel.events.MemoryNotation;
import dev.parcel.events.Topics;
import dev.parcel.events.WorkerHeartbeat;
import dev.parcel.inbox.EventIntake;
import dev.parcel.inbox.UnprocessableEvent;
import dev.parcel.outbox.Outbox;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.outbox.TraceParent;
import dev.parcel.scheduler.LeaseCheck;
import dev.parcel.scheduler.PlacementRound;
import dev.parcel.scheduler.config.SchedulerConfig;
import dev.parcel.scheduler.domain.Worker;
import dev.parcel.scheduler.persistence.QueuedJobEntity;
import dev.parcel.scheduler.persistence.SchedulerStore;
import dev.parcel.scheduler.persistence.WorkerEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Applies the events that change what can be placed, then requests a placement round. Every apply is idempotent
 * by its natural key, so a replay changes nothing; {@link EventIntake} retries what fails while the database is
 * away and sets aside what can never be applied.
 */
@ApplicationScoped
public class SchedulerEventConsumer {
    private static final Logger LOG = Logger.getLogger(SchedulerEventConsumer.class);

    private final SchedulerStore store;
    private final PlacementRound round;
    private final EventIntake intake;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final SchedulerConfig config;
    private final ObjectMapper json;
    private final LeaseCheck leases;

    SchedulerEventConsumer(SchedulerStore store, PlacementRound round, EventIntake intake, Outbox outbox,
            OutboxRelay relay, SchedulerConfig config, ObjectMapper json, LeaseCheck leases) {
        this.store = store;
        this.round = round;
        this.leases = leases;
        this.intake = intake;
        this.outbox = outbox;
        this.relay = relay;
        this.config = config;
        this.json = json;
    }

    /**
     * Submissions arrive in batches (the channel is consumed with {@code batch=true}): one transaction queues what
     * one poll returned, in order, and one round is requested for all of them. Each job is queued with the trace
     * its record carries (keyed by job id), for the round that places it.
     */
    @Incoming("job-submitted")
    public Uni<Void> onSubmitted(ConsumerRecords<String, String> records) {
        Map<String, String> traces = new HashMap<>();
        records.forEach(record -> {
            Header traceparent = record.headers().lastHeader(TraceParent.HEADER);
            if (record.key() != null && traceparent != null) {
                traces.put(record.key(), new String(traceparent.value(), StandardCharsets.UTF_8));
            }
        });
        return intake.applyBatch(records, JobSubmitted.class, JobSubmitted.VERSION, events -> queue(events, traces));
    }

    private Uni<Void> queue(List<JobSubmitted> events, Map<String, String> traces) {
        return Panache.withTransaction(() -> Multi.createFrom().iterable(events)
                        .onItem().transformToUniAndConcatenate(event -> store.enqueue(queued(event,
                                traces.get(event.jobId()))))
                        .collect().last())
                .invoke(round::request).replaceWithVoid();
    }

    private QueuedJobEntity queued(JobSubmitted event, String traceparent) {
        if (event.spec() == null || event.submitter() == null) {
            throw new UnprocessableEvent("JobSubmitted for " + event.jobId() + " has no spec or no submitter");
        }
        var job = new QueuedJobEntity();
        job.jobId = event.jobId();
        job.submitter = event.submitter();
        job.spec = write(event.spec());
        Double cpus = event.spec().cpus();
        job.requestedCpus = Math.max(Worker.NANO_CPU,
                cpus != null && cpus > 0 && Double.isFinite(cpus) ? cpus : config.defaultCpus());
        job.requestedMemoryBytes = requestedMemory(event);
        job.submittedAt = event.occurredAt();
        job.traceparent = traceparent;
        return job;
    }

    @Incoming("worker-heartbeat")
    public Uni<Void> onHeartbeat(ConsumerRecord<String, String> record) {
        return intake.apply(record, WorkerHeartbeat.class, WorkerHeartbeat.VERSION, event -> {
            var worker = new WorkerEntity();
            worker.id = event.workerId();
            worker.cpus = event.cpus();
            worker.memoryBytes = event.memoryBytes();
            worker.maxCpusPerJob = event.maxCpusPerJob();
            worker.maxMemoryBytesPerJob = event.maxMemoryBytesPerJob();
            worker.draining = event.draining();
            // The worker's own clock may be far off; its silence is measured by ours.
            worker.lastHeartbeat = Instant.now();
            return Panache.withTransaction(() -> store.recordHeartbeat(worker)).invoke(round::request);
        });
    }

    @Incoming("scheduler-job-completed")
    public Uni<Void> onCompleted(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobCompleted.class, JobCompleted.VERSION,
                event -> Panache.withTransaction(() -> store.complete(event.jobId(), event.attempt()))
                        .invoke(round::request));
    }

    /**
     * A queued job is ended here, since no worker has it. A placed one is left to the executor running it, which
     * kills it and reports how it ended; the request is remembered, and the lease check ends the job itself if its
     * worker is lost (already, or before it reports).
     */
    @Incoming("job-termination-requested")
    public Uni<Void> onTerminationRequested(ConsumerRecord<String, String> record) {
        return intake.apply(record, JobTerminationRequested.class, JobTerminationRequested.VERSION,
                event -> Panache.withTransaction(() -> store.lockPlacement()
                        .chain(() -> store.terminateIfQueued(event.jobId(), event.requestedBy(), event.occurredAt()))
                        .call(endedAttempt -> endedAttempt != null
                                ? outbox.append(Topics.JOB_COMPLETED,
                                        SchedulerEvents.terminatedWhileQueued(event.jobId(), endedAttempt))
                                : store.rememberTermination(event.jobId(), event.occurredAt())))
                        .chain(endedAttempt -> {
                            if (endedAttempt != null) {
                                relay.publishSoon();
                                return Uni.createFrom().voidItem();
                            }
                            return leases.run().replaceWithVoid();
                        }));
    }

    private long requestedMemory(JobSubmitted event) {
        String memory = event.spec().memory();
        try {
            return MemoryNotation.parseBytes(memory == null ? config.defaultMemory() : memory);
        } catch (IllegalArgumentException e) {
            // The API refuses such specs; an old or foreign event still must not wedge the queue.
            LOG.warnf("job %s asks for unreadable memory %s; using the default", event.jobId(), memory);
            return MemoryNotation.parseBytes(config.defaultMemory());
        }
    }

    private String write(Object spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
