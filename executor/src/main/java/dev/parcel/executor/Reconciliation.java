package dev.parcel.executor;

import com.github.dockerjava.api.model.Container;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.runtime.JobContainers;
import dev.parcel.executor.runtime.JobNetworks;
import dev.parcel.executor.runtime.JobVolumes;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * After a restart, this worker's Docker engine is the only record of what it was doing. Job containers are
 * taken back (one that exited while the executor was down is reported, one still running is waited for); a
 * container whose placement cannot be read, a stager, and volumes, networks and firewall chains that no job
 * container uses any more are removed. No job stays Running forever because its executor restarted.
 */
@ApplicationScoped
public class Reconciliation {
    private static final Logger LOG = Logger.getLogger(Reconciliation.class);

    private final JobContainers containers;
    private final JobVolumes volumes;
    private final JobNetworks networks;
    private final JobRunner runner;
    private final String workerId;

    Reconciliation(JobContainers containers, JobVolumes volumes, JobNetworks networks, JobRunner runner,
            ExecutorConfig config) {
        this.containers = containers;
        this.volumes = volumes;
        this.networks = networks;
        this.runner = runner;
        this.workerId = config.workerId();
    }

    void onStart(@Observes StartupEvent started) {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.errorf(e, "reconciling this worker's containers failed; leftovers may remain until the next start");
        }
    }

    void reconcile() {
        Set<String> networksInUse = new HashSet<>();
        for (Container container : containers.containersOf(workerId)) {
            var placement = containers.placementOf(container);
            if (placement.isPresent() && isJobContainer(container)) {
                runner.resume(placement.get(), container);
                if (JobNetworks.needsNetwork(placement.get().spec())) {
                    networksInUse.add(JobNetworks.networkName(placement.get()));
                }
            } else {
                LOG.infof("removing container %s, which no job of this worker accounts for", name(container));
                containers.kill(container.getId());
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
    }

    private static boolean isJobContainer(Container container) {
        return name(container).startsWith("parcel-job-");
    }

    private static String name(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0 ? container.getId() : names[0].replaceFirst("^/", "");
    }
}
