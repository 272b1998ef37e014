package dev.parcel.executor.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.Ulimit;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.MemoryNotation;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.ContainerDriver;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Runs one attempt of a job as a container on this worker and says how it ended. */
@ApplicationScoped
public class JobContainers {
    public static final String LABEL_JOB = "dev.parcel.job-id";
    public static final String LABEL_ATTEMPT = "dev.parcel.attempt";
    public static final String LABEL_WORKER = "dev.parcel.worker-id";
    public static final String LABEL_PLACEMENT = "dev.parcel.placement";
    private static final Logger LOG = Logger.getLogger(JobContainers.class);

    private final DockerClient docker;
    private final ExecutorConfig config;
    private final ObjectMapper json;
    private final long maxFileBytes;

    JobContainers(DockerEngine engine, ExecutorConfig config, ObjectMapper json) {
        this.docker = engine.client();
        this.config = config;
        this.maxFileBytes = MemoryNotation.parseBytes(config.maxOutputSize());
        this.json = json;
    }

    public static String containerName(String jobId, int attempt) {
        return "parcel-job-" + jobId + "-" + attempt;
    }

    /**
     * Prepares the container without starting it, sandboxed: no capabilities, no new privileges, an init, a read-only
     * root with a small writable /tmp (nothing there runs), no file larger than the output limit, cpu, memory (no
     * extra swap) and pids limits, the image's own user, and the given network ({@code none} unless the job's policy
     * lets it reach something). Empty when this attempt already has a container (a replayed JobScheduled); a
     * {@link JobNotStartable} when the job cannot run at all.
     */
    public Optional<String> create(JobScheduled job, String workerId, List<Mount> mounts, String networkMode,
            List<String> platformEnvironment) {
        InspectImageResponse image = localOrPulled(job.spec().image());
        String[] entrypoint = image.getConfig() == null ? null : image.getConfig().getEntrypoint();
        if (entrypoint == null || entrypoint.length == 0) {
            throw new JobNotStartable("image " + job.spec().image() + " has no ENTRYPOINT; Parcel runs ENTRYPOINT"
                    + " plus cmd, so the image must define one");
        }
        var host = HostConfig.newHostConfig()
                .withNetworkMode(networkMode)
                .withNanoCPUs(Math.max(1L, Math.round(job.cpus() * 1e9)))
                .withMemory(job.memoryBytes())
                .withMemorySwap(job.memoryBytes())
                .withPidsLimit(config.pidsLimit())
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                // The engine's init (tini) as PID 1: a SIGTERM reaches the job's command, which as PID 1 itself
                // would ignore it, so a timeout or termination ends it at once instead of after the grace period.
                .withInit(true)
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,noexec,size=" + config.tmpSize()))
                // No file may grow past the output limit, a sparse one included: the copy-out never meets more.
                .withUlimits(List.of(new Ulimit("fsize", maxFileBytes, maxFileBytes)))
                // What it prints is read from here as it runs (JobLogs); the engine keeps a bounded tail meanwhile.
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m",
                        "max-file", "3")))
                .withMounts(mounts);
        var env = new ArrayList<>(environment(job));
        env.addAll(platformEnvironment);
        try {
            String id = docker.createContainerCmd(job.spec().image())
                    .withName(containerName(job.jobId(), job.attempt()))
                    .withCmd(job.spec().cmd())
                    .withEnv(env)
                    .withLabels(labels(job, workerId))
                    .withHostConfig(host)
                    .exec()
                    .getId();
            return Optional.of(id);
        } catch (ConflictException alreadyThere) {
            return Optional.empty();
        }
    }

    /**
     * The labels of everything made for this attempt. The placement itself rides along, so that an executor
     * restarted while the job ran can finish it without any other record.
     */
    public Map<String, String> labels(JobScheduled job, String workerId) {
        try {
            return Map.of(LABEL_JOB, job.jobId(), LABEL_ATTEMPT, Integer.toString(job.attempt()),
                    LABEL_WORKER, workerId, LABEL_PLACEMENT, json.writeValueAsString(job));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("placement not serializable", e);
        }
    }

    public void start(String containerId) {
        docker.startContainerCmd(containerId).exec();
    }

    /**
     * Waits for the container to exit, at most {@code limit}; true when the wait ended, which is also when the
     * engine went away mid-wait (the caller asks {@link #exitOf} which it was).
     */
    public boolean awaitExit(String containerId, Duration limit) throws InterruptedException {
        try (var waiting = docker.waitContainerCmd(containerId).start()) {
            return waiting.awaitCompletion(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the container ended; empty while it has not (created, running, paused or restarting). */
    public Optional<ContainerDriver.Exit> exitOf(String containerId) {
        var state = docker.inspectContainerCmd(containerId).exec().getState();
        if (!"exited".equals(state.getStatus()) && !"dead".equals(state.getStatus())) {
            return Optional.empty();
        }
        Long exitCode = state.getExitCodeLong();
        return Optional.of(new ContainerDriver.Exit(exitCode == null ? -1 : exitCode.intValue(),
                Boolean.TRUE.equals(state.getOOMKilled())));
    }

    /** Signals the container to stop and kills it after {@code grace}; one that is not running is left as it is. */
    public void stop(String containerId, Duration grace) {
        try {
            docker.stopContainerCmd(containerId).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
        } catch (NotFoundException | ConflictException | NotModifiedException notRunning) {
            // not started yet, already exited, or removed
        }
    }

    /** This worker's job containers, for reconciliation after a restart. */
    public List<Container> containersOf(String workerId) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL_WORKER, workerId)).exec();
    }

    /** The placement a container was made for, from its label; empty when it has none readable. */
    public Optional<JobScheduled> placementOf(Container container) {
        String label = container.getLabels() == null ? null : container.getLabels().get(LABEL_PLACEMENT);
        if (label == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(label, JobScheduled.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** When a container started, to give a resumed job only what is left of its run time. */
    public Instant startedAt(String containerId) {
        String started = docker.inspectContainerCmd(containerId).exec().getState().getStartedAt();
        try {
            return Instant.parse(started);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // Already removed: nothing left behind.
        } catch (RuntimeException e) {
            LOG.warnf("could not remove container %s: %s", containerId, e.getMessage());
        }
    }

    /**
     * The image as the pull policy lets the worker have it. Why a pull failed is the operator's to read in the log,
     * not the submitter's: the engine's reason would tell what answers at any host and port an image names.
     */
    private InspectImageResponse localOrPulled(String image) {
        if (config.pullPolicy() != ExecutorConfig.PullPolicy.ALWAYS) {
            try {
                return docker.inspectImageCmd(image).exec();
            } catch (NotFoundException absent) {
                if (config.pullPolicy() == ExecutorConfig.PullPolicy.NEVER) {
                    throw notAvailable(image);
                }
            }
        }
        LOG.infof("pulling image %s", image);
        try {
            boolean done = docker.pullImageCmd(image).start()
                    .awaitCompletion(config.pullTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                LOG.infof("pulling image %s took longer than %s", image, config.pullTimeout());
                throw notAvailable(image);
            }
            return docker.inspectImageCmd(image).exec();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobNotStartable("pulling image " + image + " was interrupted");
        } catch (JobNotStartable e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.infof("pulling image %s failed: %s", image, firstLine(e.getMessage()));
            throw notAvailable(image);
        }
    }

    private static JobNotStartable notAvailable(String image) {
        return new JobNotStartable("image " + image + " is not available on this worker");
    }

    private static List<String> environment(JobScheduled job) {
        var env = new ArrayList<String>();
        if (job.spec().env() != null) {
            job.spec().env().forEach((name, value) -> env.add(name + "=" + value));
        }
        env.add("PARCEL_JOB_ID=" + job.jobId());
        return env;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** The job cannot run here at all; its message is the job's failure message. */
    public static final class JobNotStartable extends RuntimeException {
        public JobNotStartable(String message) {
            super(message, null, false, false);
        }
    }
}
