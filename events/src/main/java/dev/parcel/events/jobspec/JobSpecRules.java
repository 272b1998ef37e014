package dev.parcel.events.jobspec;

import dev.parcel.events.JobSpec;
import dev.parcel.events.MemoryNotation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What makes a JobSpec runnable, beyond its required fields: the API refuses a spec that breaks a rule (400, naming
 * the field), and the worker checks again, because it runs someone else's code and must not trust what it was sent.
 * Each problem reads {@code field: rule}. The sizes a spec may have are {@link JobSpecLimits}.
 */
public final class JobSpecRules {
    /** Parcel's minimum memory for a job. */
    public static final long MIN_MEMORY_BYTES = 4L << 20;
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JobSpecRules() {
    }

    /**
     * Every rule the spec breaks, in field order; empty when it is runnable. A spec over a size limit
     * ({@link JobSpecLimits}) is refused for that alone: the other rules would run over text of any length, the
     * image grammar's regular expression included.
     */
    public static List<String> problemsWith(JobSpec spec) {
        var tooLarge = JobSpecLimits.problemsWith(spec);
        if (!tooLarge.isEmpty()) {
            return tooLarge;
        }
        var problems = new ArrayList<String>();
        if (spec.image() != null && !ImageReference.isValid(spec.image())) {
            problems.add("image: is not a valid Docker image reference ([host[:port]/]path[:tag][@digest],"
                    + " lower-case path)");
        }
        for (int i = 0; spec.cmd() != null && i < spec.cmd().size(); i++) {
            if (spec.cmd().get(i) == null) {
                problems.add("cmd[" + i + "]: must be a string");
            }
        }
        environmentProblems(spec.env(), problems);
        if (spec.memory() != null) {
            memoryProblem(spec.memory(), problems);
        }
        if (spec.cpus() != null && !(spec.cpus() > 0 && Double.isFinite(spec.cpus()))) {
            problems.add("cpus: must be a number greater than 0");
        }
        if (spec.inputDocuments() != null) {
            for (int i = 0; i < spec.inputDocuments().size(); i++) {
                var input = spec.inputDocuments().get(i);
                if (input == null) {
                    problems.add("inputDocuments[" + i + "]: must be an object with id and mountPath");
                } else if (input.id() == null || input.id().isBlank()) {
                    problems.add("inputDocuments[" + i + "].id: is required");
                }
            }
            mountPathProblems("inputDocuments", spec.inputDocuments(), JobSpec.InputDocument::mountPath, problems);
        }
        if (spec.outputDocuments() != null) {
            for (int i = 0; i < spec.outputDocuments().size(); i++) {
                if (spec.outputDocuments().get(i) == null) {
                    problems.add("outputDocuments[" + i + "]: must be an object with mountPath");
                }
            }
            mountPathProblems("outputDocuments", spec.outputDocuments(), JobSpec.OutputDocument::mountPath, problems);
        }
        egressProblems(spec.networkPolicy(), problems);
        if (spec.timeout() != null) {
            try {
                JobTimeout.parse(spec.timeout());
            } catch (IllegalArgumentException e) {
                problems.add("timeout: " + e.getMessage());
            }
        }
        return problems;
    }

    private static <T> void mountPathProblems(String field, List<T> entries, Function<T, String> mountPath,
            List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == null) {
                continue;
            }
            String path = mountPath.apply(entries.get(i));
            var problem = MountPaths.problemWith(path);
            if (problem.isPresent()) {
                problems.add(field + "[" + i + "].mountPath: " + problem.get());
            } else if (!seen.add(path)) {
                problems.add(field + "[" + i + "].mountPath: appears twice in " + field);
            }
        }
    }

    /**
     * PATH in any case: Docker finds the command with it, and a shell would treat {@code path} alike. {@code LD_*}
     * would load code of the job author's into an image a data owner approved; {@code PARCEL_*} are the platform's.
     */
    private static void environmentProblems(Map<String, String> env, List<String> problems) {
        if (env == null) {
            return;
        }
        for (var entry : env.entrySet()) {
            String name = entry.getKey();
            if (name == null || !VARIABLE_NAME.matcher(name).matches()) {
                problems.add("env: a variable name must be letters, digits and _, not starting with a digit");
            } else if (name.equalsIgnoreCase("PATH")) {
                problems.add("env.PATH: a job may not set PATH");
            } else if (hasPrefixIgnoringCase(name, "LD_")) {
                problems.add("env." + name + ": a job may not set LD_ variables (they load code into the image)");
            } else if (hasPrefixIgnoringCase(name, "PARCEL_")) {
                problems.add("env." + name + ": PARCEL_ variables are the platform's");
            } else if (entry.getValue() == null) {
                problems.add("env." + name + ": must be a string");
            }
        }
    }

    private static boolean hasPrefixIgnoringCase(String name, String prefix) {
        return name.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static void memoryProblem(String memory, List<String> problems) {
        try {
            if (MemoryNotation.parseBytes(memory) < MIN_MEMORY_BYTES) {
                problems.add("memory: must be at least 4M");
            }
        } catch (IllegalArgumentException e) {
            problems.add("memory: must be a positive integer followed by M or G, such as 512M or 2G");
        }
    }

    private static void egressProblems(JobSpec.NetworkPolicy policy, List<String> problems) {
        if (policy == null || policy.egress() == null) {
            return;
        }
        for (int i = 0; i < policy.egress().size(); i++) {
            var peer = policy.egress().get(i);
            try {
                Cidr.parse(peer == null ? null : peer.cidr());
            } catch (IllegalArgumentException e) {
                problems.add("networkPolicy.egress[" + i + "].cidr: " + e.getMessage());
            }
        }
    }
}
