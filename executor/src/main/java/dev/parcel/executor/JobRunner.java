package dev.parcel.executor;

import com.github.dockerjava.api.model.Container;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.jobspec.JobSpecRules;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.messaging.StatusReporter;
import dev.parcel.executor.runtime.DocumentStoreClient;
import dev.parcel.executor.runtime.Firewall;
import dev.parcel.executor.runtime.JobContainers;
import dev.parcel.executor.runtime.JobContainers.JobNotStartable;
import dev.parcel.executor.runtime.JobNetworks;
import dev.parcel.executor.runtime.JobNetworks.JobNetwork;
import dev.parcel.executor.runtime.JobTokenIssuer;
import dev.parcel.executor.runtime.JobVolumes;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the attempts placed on this worker, each on its own thread (a job mostly waits on its container), and
 * reports Running, then how it ended. The scheduler bounds how many run at once by this worker's capacity.
 * Termination and the maximum run time both end a job by killing its container; whatever way a job ends, its
 * container, volumes and network are removed.
 */
@ApplicationScoped
public class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** Attempts (and terminated jobs) remembered to ignore replayed events; old ones fall out. */
    private static final int REMEMBERED = 100_000;

    private final JobContainers containers;
    private final JobVolumes volumes;
    private final JobNetworks networks;
    private final JobTokenIssuer tokens;
    private final StatusReporter reporter;
    private final String workerId;
    private final Duration maxRunTime;
    private final Set<String> accepted = boundedSet();
    private final Set<String> terminated = boundedSet();
    /** Job id to the container of its attempt running here. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            var thread = new Thread(task, "job-runner-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    JobRunner(JobContainers containers, JobVolumes volumes, JobNetworks networks, JobTokenIssuer tokens,
            StatusReporter reporter, ExecutorConfig config) {
        this.containers = containers;
        this.volumes = volumes;
        this.networks = networks;
        this.tokens = tokens;
        this.reporter = reporter;
        this.workerId = config.workerId();
        this.maxRunTime = config.maxRunTime();
    }

    /** Takes an attempt placed on this worker; returns at once. A replay of an accepted attempt is ignored. */
    public void accept(JobScheduled job) {
        if (accepted.add(attemptKey(job))) {
            threads.submit(() -> run(job));
        }
    }

    /**
     * Stops a job: a running container is killed, and a job not started yet never starts, even when its placement
     * arrives after this request. A job that is not here, or already ended, is not affected.
     */
    public void terminate(String jobId) {
        terminated.add(jobId);
        String container = running.get(jobId);
        if (container != null) {
            LOG.infof("job %s: terminating it at its submitter's request", jobId);
            containers.kill(container);
        }
    }

    /**
     * Takes back a job container found after a restart: one that ran (or still runs) is waited for and reported
     * like any other; one that never started is removed and reported as such.
     */
    public void resume(JobScheduled job, Container container) {
        if (!accepted.add(attemptKey(job))) {
            return;
        }
        threads.submit(() -> {
            var network = JobNetworks.needsNetwork(job.spec())
                    ? Optional.of(new JobNetwork(JobNetworks.networkName(job), Optional.empty()))
                    : Optional.<JobNetwork>empty();
            JobOutcome outcome;
            try {
                if ("created".equals(container.getState())) {
                    outcome = JobOutcome.notStarted("the worker restarted before the job started; it did not run");
                } else {
                    LOG.infof("job %s attempt %d: resuming it after a restart", job.jobId(), job.attempt());
                    running.put(job.jobId(), container.getId());
                    Duration ran = Duration.between(containers.startedAt(container.getId()), Instant.now());
                    outcome = awaitAndCollect(job, container.getId(), maxRunTime.minus(ran));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "job %s attempt %d could not be resumed", job.jobId(), job.attempt());
                outcome = JobOutcome.notStarted("the worker could not run the job: " + e.getClass().getSimpleName());
            } finally {
                cleanUp(job, Optional.of(container.getId()), network);
            }
            report(job, outcome);
        });
    }

    private void run(JobScheduled job) {
        if (terminated.contains(job.jobId())) {
            report(job, JobOutcome.terminated(false));
            return;
        }
        JobOutcome outcome;
        Optional<String> container = Optional.empty();
        Optional<JobNetwork> network = Optional.empty();
        try {
            var refusal = refusal(job);
            if (refusal.isPresent()) {
                outcome = JobOutcome.notStarted(refusal.get());
            } else {
                if (JobNetworks.needsNetwork(job.spec())) {
                    network = Optional.of(networks.open(job, containers.labels(job, workerId)));
                }
                String apiToken = network.flatMap(JobNetwork::relay).isPresent()
                        ? tokens.tokenFor(job, maxRunTime).orElseThrow() : "";
                container = containers.create(job, workerId, volumes.mountsFor(job),
                        network.map(JobNetwork::name).orElse("none"),
                        network.map(n -> n.environment(apiToken)).orElse(List.of()));
                if (container.isEmpty()) {
                    LOG.infof("job %s attempt %d already has a container; not starting it twice", job.jobId(),
                            job.attempt());
                    return;
                }
                outcome = runWithDocuments(job, container.get());
            }
        } catch (JobNetworks.AlreadyThere e) {
            LOG.infof("job %s attempt %d already has a network; not starting it twice", job.jobId(), job.attempt());
            return;
        } catch (JobNotStartable e) {
            outcome = JobOutcome.notStarted(e.getMessage());
        } catch (Firewall.FirewallFailure e) {
            LOG.errorf("job %s attempt %d: firewall rules could not be installed: %s", job.jobId(), job.attempt(),
                    e.getMessage());
            outcome = JobOutcome.notStarted("the worker could not enforce the job's network policy");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = JobOutcome.notStarted("the worker stopped while running the job");
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "job %s attempt %d failed on the worker", job.jobId(), job.attempt());
            outcome = JobOutcome.notStarted("the worker could not run the job: " + e.getClass().getSimpleName());
        } finally {
            cleanUp(job, container, network);
        }
        report(job, outcome);
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
        // Registered before the start and checked after it, so a termination racing the start is never lost.
        running.put(job.jobId(), containerId);
        if (terminated.contains(job.jobId())) {
            return JobOutcome.terminated(false);
        }
        reporter.running(job, workerId);
        containers.start(containerId);
        if (terminated.contains(job.jobId())) {
            containers.kill(containerId);
        }
        return awaitAndCollect(job, containerId, maxRunTime);
    }

    /** Waits for the container at most {@code left}, then says how it ended and uploads its outputs. */
    private JobOutcome awaitAndCollect(JobScheduled job, String containerId, Duration left)
            throws IOException, InterruptedException {
        if (!containers.awaitExit(containerId, left)) {
            containers.kill(containerId);
            return JobOutcome.exceededRunTime(maxRunTime);
        }
        if (terminated.contains(job.jobId())) {
            return JobOutcome.terminated(true);
        }
        JobOutcome outcome = containers.outcomeOf(containerId, job.memoryBytes());
        if (hasOutputs(job)) {
            outcome = outcome.withOutputs(volumes.collectOutputs(job, containerId, tokens.tokenFor(job).orElseThrow()));
        }
        return outcome;
    }

    private void cleanUp(JobScheduled job, Optional<String> container, Optional<JobNetwork> network) {
        running.remove(job.jobId());
        if (container.isPresent()) {
            containers.remove(container.get());
            volumes.remove(job);
        }
        network.ifPresent(networks::close);
    }

    private void report(JobScheduled job, JobOutcome outcome) {
        LOG.infof("job %s attempt %d: %s (%s)", job.jobId(), job.attempt(), outcome.phase(), outcome.message());
        reporter.completed(job, workerId, outcome);
    }

    /** Why the job cannot run here at all, before anything is created for it. */
    private Optional<String> refusal(JobScheduled job) {
        var problems = JobSpecRules.problemsWith(job.spec());
        if (!problems.isEmpty()) {
            return Optional.of(String.join("; ", problems));
        }
        boolean needsToken = hasInputs(job) || hasOutputs(job) || (job.spec().networkPolicy() != null
                && Boolean.TRUE.equals(job.spec().networkPolicy().parcelApiAccess()));
        if (needsToken && !tokens.canIssue()) {
            return Optional.of("this worker cannot give jobs access to documents or the API: it has no job-token"
                    + " signing key");
        }
        return Optional.empty();
    }

    private static String attemptKey(JobScheduled job) {
        return job.jobId() + "/" + job.attempt();
    }

    private static boolean hasInputs(JobScheduled job) {
        return job.spec().inputDocuments() != null && !job.spec().inputDocuments().isEmpty();
    }

    private static boolean hasOutputs(JobScheduled job) {
        return job.spec().outputDocuments() != null && !job.spec().outputDocuments().isEmpty();
    }

    private static Set<String> boundedSet() {
        return Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        }));
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
