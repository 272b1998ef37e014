package dev.parcel.executor.runtime;

import dev.parcel.executor.domain.EgressRules;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Applies {@link EgressRules} plans with the host's {@code iptables} and {@code ip6tables} (the executor runs as
 * root beside its Docker engine). There is no maintained Java binding for netfilter; the commands are the
 * interface every distribution keeps stable.
 */
@ApplicationScoped
public class Firewall {
    private static final Logger LOG = Logger.getLogger(Firewall.class);

    public enum Family {
        IPV4("iptables"), IPV6("ip6tables");

        final String command;

        Family(String command) {
            this.command = command;
        }
    }

    /** Thrown when rules could not be installed; the job must then not start. */
    public static final class FirewallFailure extends Exception {
        FirewallFailure(String message) {
            super(message);
        }
    }

    /** Installs a plan; on any failure removes what it installed and throws. */
    public void install(Family family, EgressRules.Plan plan) throws FirewallFailure {
        for (List<String> rule : plan.install()) {
            String failure = run(family, rule);
            if (failure != null) {
                remove(family, plan);
                throw new FirewallFailure(family.command + " " + String.join(" ", rule) + ": " + failure);
            }
        }
    }

    /** Removes a plan's rules and chains; what is already gone is skipped. */
    public void remove(Family family, EgressRules.Plan plan) {
        for (List<String> rule : plan.remove()) {
            run(family, rule);
        }
    }

    /** Whether this family's chain exists (Docker makes DOCKER-USER only where it manages the firewall). */
    public boolean hasChain(Family family, String chain) {
        return run(family, List.of("-n", "-L", chain)) == null;
    }

    /** The chains named with this prefix, to find the rules of job networks that no longer exist. */
    public List<String> chainsStartingWith(Family family, String prefix) {
        var chains = new ArrayList<String>();
        var output = new StringBuilder();
        if (run(family, List.of("-S"), output) != null) {
            return chains;
        }
        output.toString().lines()
                .filter(line -> line.startsWith("-N " + prefix))
                .forEach(line -> chains.add(line.substring(3).trim()));
        return chains;
    }

    private static String run(Family family, List<String> rule) {
        return run(family, rule, new StringBuilder());
    }

    /** Runs one command; null when it succeeded, else what it said. */
    private static String run(Family family, List<String> rule, StringBuilder output) {
        var command = new ArrayList<String>();
        command.add(family.command);
        command.add("-w");
        command.addAll(rule);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : output.toString().strip();
        } catch (IOException e) {
            LOG.debugf("%s unavailable: %s", family.command, e.getMessage());
            return family.command + " is not available: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
