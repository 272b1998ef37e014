package dev.parcel.events.jobspec;

import dev.parcel.events.JobSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The largest job spec the platform takes, field by field. A spec travels whole in {@code JobSubmitted} and
 * {@code JobScheduled}, and a Kafka producer refuses a record over its {@code max.request.size} (1,048,576 bytes by
 * default): a job whose event is over it could never reach a worker. With these limits the largest valid spec's
 * events take at most half of that (JobSpecLimitsTest builds that spec and measures it), even when every character
 * is a control character, which JSON writes as a six-byte escape; that worst case, not typical text, sets the
 * numbers.
 *
 * <p>Lengths count Java chars (UTF-16 code units), as {@link String#length()} does. The free text of {@code cmd} and
 * of {@code env} values is bounded in total rather than per entry, as {@code exec} bounds its arguments and
 * environment: one long {@code sh -c} script or one long value may take the whole allowance.
 */
public final class JobSpecLimits {
    public static final int NAME_LENGTH = 256;
    /** Docker's grammar caps the name at 255; this leaves room for a tag of 128 and a sha512 digest. */
    public static final int IMAGE_LENGTH = 1_024;
    public static final int CMD_ARGUMENTS = 256;
    /** All of {@code cmd}'s arguments together. */
    public static final int CMD_LENGTH = 16_384;
    public static final int ENV_VARIABLES = 256;
    public static final int ENV_NAME_LENGTH = 128;
    /** All of {@code env}'s values together. */
    public static final int ENV_VALUES_LENGTH = 16_384;
    /** Per list: inputDocuments and outputDocuments each. */
    public static final int DOCUMENTS = 64;
    /** Ids the platform makes are 23 characters. */
    public static final int DOCUMENT_ID_LENGTH = 64;
    public static final int OWNER_LENGTH = 64;
    public static final int MOUNT_PATH_LENGTH = 256;
    public static final int EGRESS_PEERS = 64;
    /** {@code 1111:2222:3333:4444:5555:6666:255.255.255.255/128} has 49; an IPv6 zone ({@code %1}) adds more. */
    public static final int CIDR_LENGTH = 64;
    /** {@code 1024G} has 5; surrounding whitespace is tolerated, so a little more. */
    public static final int MEMORY_LENGTH = 16;
    /** {@code 9999999h} has 8. */
    public static final int TIMEOUT_LENGTH = 16;

    private JobSpecLimits() {
    }

    /**
     * Every limit the spec exceeds, in field order. A list over its count is reported once, not entry by entry,
     * so that the answer to an oversized spec stays small too.
     */
    static List<String> problemsWith(JobSpec spec) {
        var problems = new ArrayList<String>();
        atMost("name", spec.name(), NAME_LENGTH, problems);
        atMost("image", spec.image(), IMAGE_LENGTH, problems);
        if (atMostEntries("cmd", spec.cmd(), CMD_ARGUMENTS, "arguments", problems)
                && totalLength(spec.cmd()) > CMD_LENGTH) {
            problems.add("cmd: at most " + CMD_LENGTH + " characters in all");
        }
        envProblems(spec.env(), problems);
        var inputs = spec.inputDocuments();
        if (atMostEntries("inputDocuments", inputs, DOCUMENTS, "documents", problems)) {
            eachAtMost("inputDocuments", inputs, "id", JobSpec.InputDocument::id, DOCUMENT_ID_LENGTH, problems);
            eachAtMost("inputDocuments", inputs, "mountPath", JobSpec.InputDocument::mountPath, MOUNT_PATH_LENGTH,
                    problems);
        }
        var outputs = spec.outputDocuments();
        if (atMostEntries("outputDocuments", outputs, DOCUMENTS, "documents", problems)) {
            eachAtMost("outputDocuments", outputs, "mountPath", JobSpec.OutputDocument::mountPath,
                    MOUNT_PATH_LENGTH, problems);
            eachAtMost("outputDocuments", outputs, "owner", JobSpec.OutputDocument::owner, OWNER_LENGTH, problems);
        }
        atMost("memory", spec.memory(), MEMORY_LENGTH, problems);
        atMost("timeout", spec.timeout(), TIMEOUT_LENGTH, problems);
        var egress = spec.networkPolicy() == null ? null : spec.networkPolicy().egress();
        if (atMostEntries("networkPolicy.egress", egress, EGRESS_PEERS, "peers", problems)) {
            eachAtMost("networkPolicy.egress", egress, "cidr", JobSpec.EgressPeer::cidr, CIDR_LENGTH, problems);
        }
        return problems;
    }

    /** Names are reported without the name itself: an overlong one would make the answer as large as the spec. */
    private static void envProblems(Map<String, String> env, List<String> problems) {
        if (env == null) {
            return;
        }
        if (env.size() > ENV_VARIABLES) {
            problems.add("env: at most " + ENV_VARIABLES + " variables");
            return;
        }
        if (env.keySet().stream().anyMatch(name -> name != null && name.length() > ENV_NAME_LENGTH)) {
            problems.add("env: a variable name has at most " + ENV_NAME_LENGTH + " characters");
        }
        if (totalLength(env.values()) > ENV_VALUES_LENGTH) {
            problems.add("env: the values have at most " + ENV_VALUES_LENGTH + " characters in all");
        }
    }

    private static void atMost(String field, String value, int limit, List<String> problems) {
        if (value != null && value.length() > limit) {
            problems.add(field + ": at most " + limit + " characters");
        }
    }

    /** A null entry is left to the rules that say what an entry must be. */
    private static <T> void eachAtMost(String field, List<T> entries, String member, Function<T, String> value,
            int limit, List<String> problems) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) != null) {
                atMost(field + "[" + i + "]." + member, value.apply(entries.get(i)), limit, problems);
            }
        }
    }

    /** Whether the list is there and short enough for its entries to be checked one by one. */
    private static boolean atMostEntries(String field, List<?> list, int limit, String entries,
            List<String> problems) {
        if (list == null) {
            return false;
        }
        if (list.size() > limit) {
            problems.add(field + ": at most " + limit + " " + entries);
            return false;
        }
        return true;
    }

    private static long totalLength(Collection<String> texts) {
        return texts.stream().mapToLong(text -> text == null ? 0 : text.length()).sum();
    }
}
