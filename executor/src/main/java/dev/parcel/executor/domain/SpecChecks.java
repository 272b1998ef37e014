package dev.parcel.executor.domain;

import dev.parcel.events.JobSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the worker refuses to run although the API should have refused it first: the worker runs someone else's
 * code, so it checks again what would otherwise reach Docker or the firewall unchecked.
 */
public final class SpecChecks {
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SpecChecks() {
    }

    /** Why the spec cannot run on this worker, or empty when it can. */
    public static Optional<String> problemWith(JobSpec spec) {
        return mountPathProblem("inputDocuments", spec.inputDocuments(), JobSpec.InputDocument::mountPath)
                .or(() -> mountPathProblem("outputDocuments", spec.outputDocuments(), JobSpec.OutputDocument::mountPath))
                .or(() -> environmentProblem(spec.env()))
                .or(() -> egressProblem(spec.networkPolicy()));
    }

    private static <T> Optional<String> mountPathProblem(String field, List<T> entries,
            java.util.function.Function<T, String> mountPath) {
        for (int i = 0; entries != null && i < entries.size(); i++) {
            var problem = MountPaths.problemWith(mountPath.apply(entries.get(i)));
            if (problem.isPresent()) {
                return Optional.of(field + "[" + i + "].mountPath " + problem.get());
            }
        }
        return Optional.empty();
    }

    /** PATH in any case: a shell treats {@code path} differently, but Docker's lookup of the command does not. */
    private static Optional<String> environmentProblem(Map<String, String> env) {
        if (env == null) {
            return Optional.empty();
        }
        for (var entry : env.entrySet()) {
            String name = entry.getKey();
            if (name == null || !VARIABLE_NAME.matcher(name).matches()) {
                return Optional.of("env: '" + name + "' is not a valid variable name");
            }
            if (name.equalsIgnoreCase("PATH")) {
                return Optional.of("env: a job may not set PATH");
            }
            if (entry.getValue() == null) {
                return Optional.of("env: " + name + " has no value");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> egressProblem(JobSpec.NetworkPolicy policy) {
        if (policy == null || policy.egress() == null) {
            return Optional.empty();
        }
        for (int i = 0; i < policy.egress().size(); i++) {
            var peer = policy.egress().get(i);
            try {
                Cidr.parse(peer == null ? null : peer.cidr());
            } catch (IllegalArgumentException e) {
                return Optional.of("networkPolicy.egress[" + i + "].cidr " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
