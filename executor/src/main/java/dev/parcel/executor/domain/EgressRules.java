package dev.parcel.executor.domain;

import java.util.ArrayList;
import dev.parcel.events.jobspec.Cidr;
import java.util.List;
import java.util.Optional;

/**
 * The firewall of one job network, as iptables (or ip6tables) commands, decided without touching the host.
 *
 * <p>Two chains per network: the egress chain sees what the job sends through the host (hooked into Docker's
 * {@code DOCKER-USER} for IPv4, {@code FORWARD} for IPv6, which Docker does not manage by default) and lets it reach
 * only the listed networks; the host chain sees what the job sends to the host itself ({@code INPUT}), which
 * {@code DOCKER-USER} never sees, and lets it reach only the platform API's relay, when the job may use the API.
 * Replies to allowed connections pass; everything else is rejected, so a refused connect fails at once. Whatever
 * the job lists, it never reaches a container on another bridge (another job's, or one the platform did not start),
 * nor the networks an operator denies (link-local, where a cloud's metadata service answers, by default).
 */
public final class EgressRules {
    private static final List<String> REPLIES = List.of("-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED",
            "-j", "ACCEPT");
    /**
     * The bridges containers sit on: other jobs' ({@code pj...}), Docker's default and user-defined networks.
     * Docker's own isolation between bridges is skipped for what {@code DOCKER-USER} accepts, so it is done here.
     */
    static final List<String> CONTAINER_BRIDGES = List.of("pj+", "docker0", "br-+");

    private EgressRules() {
    }

    /** A TCP endpoint on the host that the job may connect to (the API relay on the network's gateway). */
    public record HostEndpoint(String address, int port) {
    }

    /** Commands that install the rules (in order) and that remove them (each may fail if already gone). */
    public record Plan(List<List<String>> install, List<List<String>> remove) {
    }

    /**
     * @param chainPrefix unique per job network, at most 24 characters (iptables allows 28 for a chain name)
     * @param bridge the job network's bridge interface
     * @param forwardHook the chain forwarded traffic is hooked into: {@code DOCKER-USER} or {@code FORWARD}
     * @param allowed the networks of this family the job may reach
     * @param denied the networks of this family no job may reach, whatever it lists
     * @param api the host endpoint the job may reach, if any, in this family
     */
    public static Plan plan(String chainPrefix, String bridge, String forwardHook, List<Cidr> allowed,
            List<Cidr> denied, Optional<HostEndpoint> api) {
        String egress = chainPrefix + "-OUT";
        String host = chainPrefix + "-IN";
        var install = new ArrayList<List<String>>();
        install.add(List.of("-N", egress));
        install.add(append(egress, REPLIES));
        for (String containers : CONTAINER_BRIDGES) {
            install.add(List.of("-A", egress, "-o", containers, "-j", "REJECT"));
        }
        for (Cidr cidr : denied) {
            install.add(List.of("-A", egress, "-d", cidr.toString(), "-j", "REJECT"));
        }
        for (Cidr cidr : allowed) {
            install.add(List.of("-A", egress, "-d", cidr.toString(), "-j", "ACCEPT"));
        }
        install.add(List.of("-A", egress, "-j", "REJECT"));
        install.add(List.of("-N", host));
        install.add(append(host, REPLIES));
        api.ifPresent(endpoint -> install.add(List.of("-A", host, "-p", "tcp", "-d", endpoint.address(), "--dport",
                Integer.toString(endpoint.port()), "-j", "ACCEPT")));
        install.add(List.of("-A", host, "-j", "REJECT"));
        install.add(List.of("-I", forwardHook, "-i", bridge, "-j", egress));
        install.add(List.of("-I", "INPUT", "-i", bridge, "-j", host));

        var remove = List.of(
                List.of("-D", forwardHook, "-i", bridge, "-j", egress),
                List.of("-D", "INPUT", "-i", bridge, "-j", host),
                List.of("-F", egress), List.of("-X", egress),
                List.of("-F", host), List.of("-X", host));
        return new Plan(List.copyOf(install), remove);
    }

    private static List<String> append(String chain, List<String> rule) {
        var command = new ArrayList<String>(List.of("-A", chain));
        command.addAll(rule);
        return command;
    }
}
