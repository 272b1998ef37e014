package dev.parcel.executor;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.domain.MountPaths;
import dev.parcel.executor.runtime.DocumentStoreClient;
import dev.parcel.executor.runtime.JobTokenIssuer;
import dev.parcel.executor.runtime.JobVolumes;
import dev.parcel.executor.messaging.StatusReporter;
import dev.parcel.executor.runtime.JobContainers;
import dev.parcel.executor.runtime.JobContainers.JobNotStartable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the attempts placed on this worker, each on its own thread (a job mostly waits on its container), and
 * reports Running, then how it ended. The scheduler bounds how many run at once by this worker's capacity.
 */
@ApplicationScoped
public class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** Attempts remembered to ignore replayed JobScheduled events; old ones fall out. */
    private static final int REMEMBERED_ATTEMPTS = 100_000;

    private final JobContainers containers;
    private final JobVolumes volumes;
    private final JobTokenIssuer tokens;
    private final StatusReporter reporter;
    private final String workerId;
    private final Set<String> accepted = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_ATTEMPTS;
                }
            }));
    private final ExecutorService threads = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            var thread = new Thread(task, "job-runner-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    JobRunner(JobContainers containers, JobVolumes volumes, JobTokenIssuer tokens, StatusReporter reporter,
            ExecutorConfig config) {
        this.containers = containers;
        this.volumes = volumes;
        this.tokens = tokens;
        this.reporter = reporter;
        this.workerId = config.workerId();
    }

    /** Takes an attempt placed on this worker; returns at once. A replay of an accepted attempt is ignored. */
    public void accept(JobScheduled job) {
        if (accepted.add(job.jobId() + "/" + job.attempt())) {
            threads.submit(() -> run(job));
        }
    }

    private void run(JobScheduled job) {
        JobOutcome outcome;
        try {
            var refusal = refusal(job);
            if (refusal.isPresent()) {
                outcome = JobOutcome.notStarted(refusal.get());
            } else {
                var container = containers.create(job, workerId, volumes.mountsFor(job));
                if (container.isEmpty()) {
                    LOG.infof("job %s attempt %d already has a container; not starting it twice", job.jobId(),
                            job.attempt());
                    return;
                }
                try {
                    outcome = runWithDocuments(job, container.get());
                } finally {
                    containers.remove(container.get());
                    volumes.remove(job);
                }
            }
        } catch (JobNotStartable e) {
            outcome = JobOutcome.notStarted(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = JobOutcome.notStarted("the worker stopped while running the job");
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "job %s attempt %d failed on the worker", job.jobId(), job.attempt());
            outcome = JobOutcome.notStarted("the worker could not run the job: " + e.getClass().getSimpleName());
        }
        LOG.infof("job %s attempt %d: %s (%s)", job.jobId(), job.attempt(), outcome.phase(), outcome.message());
        reporter.completed(job, workerId, outcome);
    }

    /** Stages the inputs, runs the container, and uploads the outputs, all with one job token per pass. */
    private JobOutcome runWithDocuments(JobScheduled job, String containerId)
            throws IOException, InterruptedException {
        if (hasInputs(job)) {
            try {
                volumes.stageInputs(job, tokens.tokenFor(job).orElseThrow());
            } catch (DocumentStoreClient.NotReadable unavailable) {
                // Whether it is missing or refused is the owner's business, not the job's.
                return JobOutcome.notStarted("input document " + unavailable.getMessage()
                        + " is not available to this job (it does not exist, or this job may not read it)");
            }
        }
        reporter.running(job, workerId);
        JobOutcome outcome = containers.run(containerId, job.memoryBytes());
        if (hasOutputs(job)) {
            outcome = outcome.withOutputs(volumes.collectOutputs(job, containerId, tokens.tokenFor(job).orElseThrow()));
        }
        return outcome;
    }

    /** Why the job cannot run here at all, before anything is created for it. */
    private Optional<String> refusal(JobScheduled job) {
        var spec = job.spec();
        for (int i = 0; spec.inputDocuments() != null && i < spec.inputDocuments().size(); i++) {
            var problem = MountPaths.problemWith(spec.inputDocuments().get(i).mountPath());
            if (problem.isPresent()) {
                return Optional.of("inputDocuments[" + i + "].mountPath " + problem.get());
            }
        }
        for (int i = 0; spec.outputDocuments() != null && i < spec.outputDocuments().size(); i++) {
            var problem = MountPaths.problemWith(spec.outputDocuments().get(i).mountPath());
            if (problem.isPresent()) {
                return Optional.of("outputDocuments[" + i + "].mountPath " + problem.get());
            }
        }
        if ((hasInputs(job) || hasOutputs(job)) && tokens.tokenFor(job).isEmpty()) {
            return Optional.of("this worker cannot read or write documents: it has no job-token signing key");
        }
        return Optional.empty();
    }

    private static boolean hasInputs(JobScheduled job) {
        return job.spec().inputDocuments() != null && !job.spec().inputDocuments().isEmpty();
    }

    private static boolean hasOutputs(JobScheduled job) {
        return job.spec().outputDocuments() != null && !job.spec().outputDocuments().isEmpty();
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
