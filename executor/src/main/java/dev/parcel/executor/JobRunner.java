package dev.parcel.executor;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.messaging.StatusReporter;
import dev.parcel.executor.runtime.JobContainers;
import dev.parcel.executor.runtime.JobContainers.JobNotStartable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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

    JobRunner(JobContainers containers, StatusReporter reporter, ExecutorConfig config) {
        this.containers = containers;
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
            var container = containers.create(job, workerId);
            if (container.isEmpty()) {
                LOG.infof("job %s attempt %d already has a container; not starting it twice", job.jobId(),
                        job.attempt());
                return;
            }
            reporter.running(job, workerId);
            outcome = containers.runToCompletion(container.get(), job.memoryBytes());
        } catch (JobNotStartable e) {
            outcome = JobOutcome.notStarted(e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s attempt %d failed on the worker", job.jobId(), job.attempt());
            outcome = JobOutcome.notStarted("the worker could not run the job: " + e.getClass().getSimpleName());
        }
        LOG.infof("job %s attempt %d: %s (%s)", job.jobId(), job.attempt(), outcome.phase(), outcome.message());
        reporter.completed(job, workerId, outcome);
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
