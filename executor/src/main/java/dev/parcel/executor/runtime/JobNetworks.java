package dev.parcel.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.jobspec.Cidr;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.EgressRules;
import dev.parcel.executor.runtime.Firewall.Family;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The network of a job whose policy lets it reach something: its own bridge, with firewall rules installed before
 * the container starts that let it reach only the listed CIDRs, and the API relay when it may use the API. A job
 * that may reach nothing gets no network at all (network mode {@code none}).
 */
@ApplicationScoped
public class JobNetworks {
    public static final String NAME_PREFIX = "parcel-net-";
    /** Bridge interfaces are {@value} plus 12 hex digits (Linux allows 15 characters). */
    private static final String BRIDGE_PREFIX = "pj";
    private static final String CHAIN_PREFIX = "PARCEL-";
    private static final Logger LOG = Logger.getLogger(JobNetworks.class);

    private final DockerClient docker;
    private final Firewall firewall;
    private final ApiRelays relays;
    private final Map<Family, String> forwardHooks = new java.util.concurrent.ConcurrentHashMap<>();

    /** The networks no job reaches, whatever its egress list says. */
    private final List<Cidr> denied;

    JobNetworks(DockerEngine engine, Firewall firewall, ApiRelays relays, ExecutorConfig config) {
        this.docker = engine.client();
        this.firewall = firewall;
        this.relays = relays;
        this.denied = config.deniedEgress().stream().filter(cidr -> !"none".equals(cidr)).map(Cidr::parse).toList();
    }

    /** A job network while it exists; {@link #environment()} is what the job is told about the API. */
    public record JobNetwork(String name, Optional<ApiRelays.Relay> relay) {
        public List<String> environment() {
            return relay.map(r -> List.of("PARCEL_API_URL=" + r.url(), "PARCEL_TOKEN=" + r.handle().value()))
                    .orElse(List.of());
        }
    }

    /** This attempt already has its network: it is being run already (a replayed placement). */
    public static final class AlreadyThere extends RuntimeException {
        AlreadyThere() {
            super(null, null, false, false);
        }
    }

    /** Whether the job's policy lets it reach anything at all. */
    public static boolean needsNetwork(JobSpec spec) {
        var policy = spec.networkPolicy();
        return policy != null && ((policy.egress() != null && !policy.egress().isEmpty())
                || Boolean.TRUE.equals(policy.parcelApiAccess()));
    }

    public static String networkName(JobScheduled job) {
        return NAME_PREFIX + job.jobId() + "-" + job.attempt();
    }

    /**
     * Creates the network and its firewall, and the API relay if the policy asks for it. On failure nothing is
     * left behind and the job must not start.
     */
    public JobNetwork open(JobScheduled job, Map<String, String> labels) throws Firewall.FirewallFailure {
        String name = networkName(job);
        String suffix = suffix(name);
        try {
            docker.createNetworkCmd().withName(name).withDriver("bridge").withLabels(labels).withCheckDuplicate(true)
                    .withOptions(Map.of("com.docker.network.bridge.name", BRIDGE_PREFIX + suffix,
                            "com.docker.network.bridge.enable_icc", "false"))
                    .exec();
        } catch (ConflictException exists) {
            throw new AlreadyThere();
        }
        Optional<ApiRelays.Relay> relay = Optional.empty();
        try {
            if (Boolean.TRUE.equals(job.spec().networkPolicy().parcelApiAccess())) {
                relay = Optional.of(relays.open(gateway(name), job));
            }
            var allowed = job.spec().networkPolicy().egress() == null ? List.<Cidr>of()
                    : job.spec().networkPolicy().egress().stream().map(peer -> Cidr.parse(peer.cidr())).toList();
            var api = relay.map(r -> new EgressRules.HostEndpoint(r.address(), r.port()));
            firewall.install(Family.IPV4, EgressRules.plan(CHAIN_PREFIX + suffix, BRIDGE_PREFIX + suffix,
                    forwardHook(Family.IPV4), allowed.stream().filter(Cidr::isIpv4).toList(),
                    denied.stream().filter(Cidr::isIpv4).toList(), api));
            firewall.install(Family.IPV6, EgressRules.plan(CHAIN_PREFIX + suffix, BRIDGE_PREFIX + suffix,
                    forwardHook(Family.IPV6), allowed.stream().filter(cidr -> !cidr.isIpv4()).toList(),
                    denied.stream().filter(cidr -> !cidr.isIpv4()).toList(), Optional.empty()));
            return new JobNetwork(name, relay);
        } catch (Firewall.FirewallFailure | RuntimeException e) {
            close(new JobNetwork(name, relay));
            throw e;
        }
    }

    /** The job's handle opens the API no more; its network and relay stay until {@link #close}. */
    public void revokeApiAccess(JobNetwork network) {
        network.relay().ifPresent(relays::revoke);
    }

    /** Removes the firewall rules, the relay and the network; what is already gone is skipped. */
    public void close(JobNetwork network) {
        network.relay().ifPresent(relays::close);
        remove(network.name());
    }

    /** The networks of this worker, for reconciliation after a restart. */
    public List<String> networksLabelled(String label, String value) {
        return docker.listNetworksCmd().withFilter("label", List.of(label + "=" + value)).exec().stream()
                .map(Network::getName).filter(name -> name.startsWith(NAME_PREFIX)).toList();
    }

    /** Removes the firewall chains of job networks that no longer exist (left by an earlier run). */
    public void removeOrphanedChains() {
        for (Family family : Family.values()) {
            for (String chain : firewall.chainsStartingWith(family, CHAIN_PREFIX)) {
                if (!chain.endsWith("-OUT")) {
                    continue;
                }
                String suffix = chain.substring(CHAIN_PREFIX.length(), chain.length() - "-OUT".length());
                if (!bridgeExists(BRIDGE_PREFIX + suffix)) {
                    LOG.infof("removing the firewall rules of a job network that no longer exists (%s)", chain);
                    firewall.remove(family, removal(family, suffix));
                }
            }
        }
    }

    /** Removes a job network and its firewall rules, also one left by an earlier run; what is gone is skipped. */
    public void remove(String name) {
        String suffix = suffix(name);
        for (Family family : Family.values()) {
            firewall.remove(family, removal(family, suffix));
        }
        try {
            docker.removeNetworkCmd(name).exec();
        } catch (NotFoundException gone) {
            // never created, or already removed
        } catch (RuntimeException e) {
            LOG.warnf("could not remove network %s: %s", name, e.getMessage());
        }
    }

    /** What removes the rules of the network whose names end in {@code suffix}: its chains, whatever they hold. */
    private EgressRules.Plan removal(Family family, String suffix) {
        return EgressRules.plan(CHAIN_PREFIX + suffix, BRIDGE_PREFIX + suffix, forwardHook(family), List.of(),
                List.of(), Optional.empty());
    }

    /**
     * Docker manages IPv4 forwarding through DOCKER-USER; IPv6 it leaves alone unless told to. Asked once per
     * family: the answer is the engine's configuration, and asking costs an iptables process.
     */
    private String forwardHook(Family family) {
        return forwardHooks.computeIfAbsent(family,
                asked -> firewall.hasChain(asked, "DOCKER-USER") ? "DOCKER-USER" : "FORWARD");
    }

    private String gateway(String networkName) {
        var config = docker.inspectNetworkCmd().withNetworkId(networkName).exec().getIpam().getConfig();
        return config.stream().map(c -> c.getGateway()).filter(gw -> gw != null && !gw.contains(":")).findFirst()
                .orElseThrow(() -> new IllegalStateException("network " + networkName + " has no IPv4 gateway"));
    }

    private static boolean bridgeExists(String bridge) {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", bridge));
    }

    /** Short and stable for a network name, so the bridge and chain names can be derived from it again. */
    static String suffix(String networkName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(networkName.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
