package dev.parcel.executor.runtime;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.ContainerDriver;
import dev.parcel.executor.runtime.JobNetworks.JobNetwork;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The {@link ContainerDriver} over this worker's Docker engine: the one place where the attempt's flow meets
 * docker-java, through {@link JobContainers}, {@link JobVolumes} and {@link JobNetworks}. Every name is derived
 * from the attempt, so nothing but an open API relay needs remembering between calls.
 */
@ApplicationScoped
public class DockerDriver implements ContainerDriver {
    private static final Logger LOG = Logger.getLogger(DockerDriver.class);

    private final JobContainers containers;
    private final JobVolumes volumes;
    private final JobNetworks networks;
    private final JobTokenIssuer tokens;
    private final JobLogs logs;
    private final DockerEngine engine;
    private final String workerId;
    /** The networks of attempts made by this process; only these have an API relay to close. */
    private final Map<AttemptId, JobNetwork> openNetworks = new ConcurrentHashMap<>();

    DockerDriver(JobContainers containers, JobVolumes volumes, JobNetworks networks, JobTokenIssuer tokens,
            JobLogs logs, DockerEngine engine, ExecutorConfig config) {
        this.containers = containers;
        this.volumes = volumes;
        this.networks = networks;
        this.tokens = tokens;
        this.logs = logs;
        this.engine = engine;
        this.workerId = config.workerId();
    }

    @Override
    public void create(JobScheduled job) throws NotRunnable {
        Optional<JobNetwork> network = Optional.empty();
        try {
            if (JobNetworks.needsNetwork(job.spec())) {
                network = Optional.of(onEngine(() -> openNetwork(job)));
                openNetworks.put(AttemptId.of(job), network.get());
            }
            var made = network;
            var id = onEngine(() -> containers.create(job, workerId, volumes.mountsFor(job),
                    made.map(JobNetwork::name).orElse("none"), made.map(JobNetwork::environment).orElse(List.of())));
            if (id.isEmpty()) {
                throw new IllegalStateException("attempt " + AttemptId.of(job) + " has a container already");
            }
        } catch (JobContainers.JobNotStartable e) {
            throw new NotRunnable(e.getMessage());
        } catch (FirewallRefused e) {
            LOG.errorf("job %s attempt %d: firewall rules could not be installed: %s", job.jobId(), job.attempt(),
                    e.getCause().getMessage());
            throw new NotRunnable("the worker could not enforce the job's network policy");
        }
    }

    @Override
    public void stageInputs(JobScheduled job) throws NotRunnable, IOException, InterruptedException {
        if (job.spec().inputDocuments() == null || job.spec().inputDocuments().isEmpty()) {
            return;
        }
        try {
            volumes.stageInputs(job, tokens.tokenFor(job).orElseThrow());
        } catch (DocumentStoreClient.NotReadable unavailable) {
            // Whether it is missing or refused is the owner's business, not the job's.
            throw new NotRunnable("input document " + unavailable.getMessage()
                    + " is not available to this job (it does not exist, or this job may not read it)");
        } catch (RuntimeException e) {
            throw classified(e);
        }
    }

    @Override
    public void start(JobScheduled job) {
        onEngine(() -> {
            containers.start(name(job));
            return null;
        });
    }

    @Override
    public void followLogs(JobScheduled job, boolean resumed) {
        logs.follow(job, resumed);
    }

    @Override
    public void awaitLogs(JobScheduled job) throws InterruptedException {
        logs.awaitSent(job);
    }

    @Override
    public Optional<Exit> awaitExit(JobScheduled job, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            boolean waitEnded;
            try {
                waitEnded = containers.awaitExit(name(job), left.isNegative() ? Duration.ZERO : left);
            } catch (RuntimeException e) {
                throw classified(e);
            }
            var exit = onEngine(() -> containers.exitOf(name(job)));
            if (exit.isPresent()) {
                Optional.ofNullable(openNetworks.get(AttemptId.of(job))).ifPresent(networks::revokeApiAccess);
            }
            if (exit.isPresent() || !waitEnded) {
                return exit;
            }
            // The wait ended without an exit: the engine restarted under it, and the container lives on.
        }
    }

    @Override
    public void kill(JobScheduled job, Duration grace) {
        onEngine(() -> {
            containers.stop(name(job), grace);
            return null;
        });
    }

    @Override
    public List<JobCompleted.OutputDocument> collectOutputs(JobScheduled job) throws IOException,
            InterruptedException {
        if (job.spec().outputDocuments() == null || job.spec().outputDocuments().isEmpty()) {
            return List.of();
        }
        try {
            return volumes.collectOutputs(job, name(job), tokens.tokenFor(job).orElseThrow());
        } catch (RuntimeException e) {
            throw classified(e);
        }
    }

    @Override
    public void destroy(JobScheduled job) {
        logs.stop(job);
        onEngine(() -> {
            containers.remove(name(job));
            volumes.remove(job);
            var network = openNetworks.remove(AttemptId.of(job));
            if (network != null) {
                networks.close(network);
            } else if (JobNetworks.needsNetwork(job.spec())) {
                networks.remove(JobNetworks.networkName(job));
            }
            return null;
        });
    }

    @Override
    public List<Found> recover() {
        return onEngine(() -> {
            var found = new ArrayList<Found>();
            Set<String> networksInUse = new HashSet<>();
            for (Container container : containers.containersOf(workerId)) {
                var placement = containers.placementOf(container);
                if (placement.isPresent() && name(container).equals(name(placement.get()))) {
                    found.add(found(placement.get(), container));
                    networksInUse.add(JobNetworks.networkName(placement.get()));
                } else {
                    LOG.infof("removing container %s, which no job of this worker accounts for", name(container));
                    containers.remove(container.getId());
                }
            }
            volumes.removeUnused();
            for (String network : networks.networksLabelled(JobContainers.LABEL_WORKER, workerId)) {
                if (!networksInUse.contains(network)) {
                    LOG.infof("removing leftover job network %s", network);
                    networks.remove(network);
                }
            }
            networks.removeOrphanedChains();
            return found;
        });
    }

    @Override
    public boolean engineAnswers() {
        try {
            engine.client().pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Found found(JobScheduled placement, Container container) {
        State state = switch (String.valueOf(container.getState())) {
            case "created" -> State.CREATED;
            case "exited", "dead" -> State.EXITED;
            default -> State.RUNNING;
        };
        return new Found(placement, state, state == State.CREATED ? Optional.empty()
                : Optional.of(containers.startedAt(container.getId())));
    }

    private JobNetwork openNetwork(JobScheduled job) {
        try {
            return networks.open(job, containers.labels(job, workerId));
        } catch (Firewall.FirewallFailure e) {
            throw new FirewallRefused(e);
        }
    }

    /** Carries a firewall failure out of a call on the engine, to become the job's own failure. */
    private static final class FirewallRefused extends RuntimeException {
        FirewallRefused(Firewall.FirewallFailure cause) {
            super(cause);
        }
    }

    private static <T> T onEngine(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw classified(e);
        }
    }

    /**
     * The engine's answers (a 404, a 409) are docker-java's {@link DockerException}s; a failure to reach it at all
     * is an I/O error somewhere in the cause chain, which the flow waits out instead of failing the job.
     */
    private static RuntimeException classified(RuntimeException e) {
        if (e instanceof DockerException || e instanceof EngineUnreachable) {
            return e;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return new EngineUnreachable(cause);
            }
        }
        return e;
    }

    private static String name(JobScheduled job) {
        return JobContainers.containerName(job.jobId(), job.attempt());
    }

    private static String name(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0 ? container.getId() : names[0].replaceFirst("^/", "");
    }
}
