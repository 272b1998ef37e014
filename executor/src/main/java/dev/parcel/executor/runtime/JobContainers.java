package dev.parcel.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.JobOutcome;
import jakarta.enterprise.context.ApplicationScoped;
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
    private static final Logger LOG = Logger.getLogger(JobContainers.class);

    private final DockerClient docker;
    private final ExecutorConfig config;

    JobContainers(DockerEngine engine, ExecutorConfig config) {
        this.docker = engine.client();
        this.config = config;
    }

    public static String containerName(String jobId, int attempt) {
        return "parcel-job-" + jobId + "-" + attempt;
    }

    /**
     * Prepares the container without starting it. Empty when this attempt already has a container (a replayed
     * JobScheduled); a {@link JobNotStartable} when the job cannot run at all.
     */
    public Optional<String> create(JobScheduled job, String workerId, List<Mount> mounts) {
        InspectImageResponse image = localOrPulled(job.spec().image());
        String[] entrypoint = image.getConfig() == null ? null : image.getConfig().getEntrypoint();
        if (entrypoint == null || entrypoint.length == 0) {
            throw new JobNotStartable("image " + job.spec().image() + " has no ENTRYPOINT; Parcel runs ENTRYPOINT"
                    + " plus cmd, so the image must define one");
        }
        var host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withNanoCPUs(Math.max(1L, Math.round(job.cpus() * 1e9)))
                .withMemory(job.memoryBytes())
                .withMemorySwap(job.memoryBytes())
                .withPidsLimit(config.pidsLimit())
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMounts(mounts);
        try {
            String id = docker.createContainerCmd(job.spec().image())
                    .withName(containerName(job.jobId(), job.attempt()))
                    .withCmd(job.spec().cmd())
                    .withEnv(environment(job))
                    .withLabels(Map.of(LABEL_JOB, job.jobId(), LABEL_ATTEMPT, Integer.toString(job.attempt()),
                            LABEL_WORKER, workerId))
                    .withHostConfig(host)
                    .exec()
                    .getId();
            return Optional.of(id);
        } catch (ConflictException alreadyThere) {
            return Optional.empty();
        }
    }

    /** Starts the container and waits for it to exit; the container stays until {@link #remove}. */
    public JobOutcome run(String containerId, long memoryLimitBytes) {
        docker.startContainerCmd(containerId).exec();
        int exitCode = docker.waitContainerCmd(containerId).start().awaitStatusCode();
        var state = docker.inspectContainerCmd(containerId).exec().getState();
        return JobOutcome.ofExitedContainer(exitCode, Boolean.TRUE.equals(state.getOOMKilled()), memoryLimitBytes);
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

    private InspectImageResponse localOrPulled(String image) {
        try {
            return docker.inspectImageCmd(image).exec();
        } catch (NotFoundException absent) {
            LOG.infof("image %s is not present locally; pulling it", image);
        }
        try {
            boolean done = docker.pullImageCmd(image).start()
                    .awaitCompletion(config.pullTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new JobNotStartable("image " + image + " is not present on the worker and pulling it timed out");
            }
            return docker.inspectImageCmd(image).exec();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobNotStartable("pulling image " + image + " was interrupted");
        } catch (JobNotStartable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JobNotStartable("image " + image + " is not present on the worker and could not be pulled: "
                    + firstLine(e.getMessage()));
        }
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
