package dev.parcel.events.jobspec;

import static dev.parcel.events.jobspec.JobSpecLimits.CIDR_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.CMD_ARGUMENTS;
import static dev.parcel.events.jobspec.JobSpecLimits.CMD_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.DOCUMENTS;
import static dev.parcel.events.jobspec.JobSpecLimits.DOCUMENT_ID_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.EGRESS_PEERS;
import static dev.parcel.events.jobspec.JobSpecLimits.ENV_NAME_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.ENV_VALUES_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.ENV_VARIABLES;
import static dev.parcel.events.jobspec.JobSpecLimits.IMAGE_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.MEMORY_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.MOUNT_PATH_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.NAME_LENGTH;
import static dev.parcel.events.jobspec.JobSpecLimits.OWNER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.JobSubmitted;
import dev.parcel.events.MemoryNotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JobSpecLimitsTest {
    /** The Kafka producer's default {@code max.request.size}; no service raises it. */
    private static final int MAX_REQUEST_SIZE = 1_048_576;
    /** Half the record is left to spare: for headers, the key, and the fields events gain later. */
    private static final int LARGEST_EVENT_BYTES = MAX_REQUEST_SIZE / 2;
    /**
     * Control characters JSON writes as six-byte escapes; the other five (backspace, tab, line feed, form feed,
     * carriage return) take two. No char costs more: three bytes for the rest of the BMP, four for a surrogate pair
     * of two chars.
     */
    private static final String SIX_BYTE_CHARS = "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u000b\u000e\u000f"
            + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f";

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** {@code length} six-byte chars, starting with {@code n} in base 26 so that entries of a list differ. */
    private static String worst(int length, int n) {
        var text = new StringBuilder();
        for (int rest = n; rest > 0 || text.length() == 0; rest /= SIX_BYTE_CHARS.length()) {
            text.append(SIX_BYTE_CHARS.charAt(rest % SIX_BYTE_CHARS.length()));
        }
        return text.append(String.valueOf(SIX_BYTE_CHARS.charAt(0)).repeat(length - text.length())).toString();
    }

    private static String worst(int length) {
        return worst(length, 0);
    }

    /** The largest spec the rules accept, in parts a test can change before it builds the spec. */
    private static final class Largest {
        String name = worst(NAME_LENGTH);
        /** Name 255, tag 128, and a digest as long as the rest allows. */
        String image = "a".repeat(255) + ":" + "t".repeat(128) + "@sha256:"
                + "f".repeat(IMAGE_LENGTH - 255 - 1 - 128 - "@sha256:".length());
        final List<String> cmd = new ArrayList<>();
        final Map<String, String> env = new LinkedHashMap<>();
        final List<JobSpec.InputDocument> inputs = new ArrayList<>();
        final List<JobSpec.OutputDocument> outputs = new ArrayList<>();
        /** Whitespace around the notation is trimmed, and every control character counts as whitespace. */
        String memory = worst(MEMORY_LENGTH - 2) + "1G";
        /** The longest timeout the rules accept. */
        String timeout = "9999999h";
        final List<JobSpec.EgressPeer> egress = new ArrayList<>();

        Largest() {
            for (int i = 0; i < CMD_ARGUMENTS; i++) {
                cmd.add(worst(CMD_LENGTH / CMD_ARGUMENTS, i));
            }
            for (int i = 0; i < ENV_VARIABLES; i++) {
                env.put(String.format("V%03d", i) + "_".repeat(ENV_NAME_LENGTH - 4),
                        worst(ENV_VALUES_LENGTH / ENV_VARIABLES, i));
            }
            for (int i = 0; i < DOCUMENTS; i++) {
                inputs.add(new JobSpec.InputDocument(worst(DOCUMENT_ID_LENGTH, i), worst(MOUNT_PATH_LENGTH, i)));
                outputs.add(new JobSpec.OutputDocument(worst(MOUNT_PATH_LENGTH, i), worst(OWNER_LENGTH, i)));
            }
            for (int i = 0; i < EGRESS_PEERS; i++) {
                // A numeric IPv6 zone may have any number of leading zeros: the longest CIDR the grammar allows.
                egress.add(new JobSpec.EgressPeer("fe80::" + Integer.toHexString(i + 1) + "%"
                        + "0".repeat(CIDR_LENGTH - 8 - Integer.toHexString(i + 1).length()) + "1"));
            }
        }

        JobSpec spec() {
            return new JobSpec(name, image, cmd, env, inputs, outputs, 1.2345678901234567E-300, memory,
                    new JobSpec.NetworkPolicy(egress, true), timeout);
        }
    }

    private static JobSpec largestWith(Consumer<Largest> change) {
        var parts = new Largest();
        change.accept(parts);
        return parts.spec();
    }

    private static String onlyProblem(JobSpec spec) {
        var problems = JobSpecRules.problemsWith(spec);
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    private static String jobId() {
        return "J" + "x".repeat(22);
    }

    @Test
    void largestSpecBreaksNoRule() {
        assertEquals(List.of(), JobSpecRules.problemsWith(new Largest().spec()));
    }

    @Test
    void largestSpecsEventsTakeAtMostHalfAKafkaRecord() throws Exception {
        var spec = new Largest().spec();
        String submitter = "I" + "x".repeat(22);
        int submitted = json.writeValueAsBytes(JobSubmitted.of(jobId(), submitter, spec)).length;
        // A worker id is the operator's choice, not the submitter's; a host name has at most 255 characters.
        int scheduled = json.writeValueAsBytes(JobScheduled.of(jobId(), Integer.MAX_VALUE, "w".repeat(255),
                submitter, Double.MIN_VALUE, MemoryNotation.parseBytes(spec.memory()), spec)).length;
        System.out.printf("largest valid spec: JobSubmitted %,d bytes, JobScheduled %,d bytes (at most %,d)%n",
                submitted, scheduled, LARGEST_EVENT_BYTES);

        assertTrue(submitted <= LARGEST_EVENT_BYTES, "JobSubmitted has " + submitted + " bytes");
        assertTrue(scheduled <= LARGEST_EVENT_BYTES, "JobScheduled has " + scheduled + " bytes");
    }

    @Test
    void nameHasAtMostItsLength() {
        assertEquals("name: at most 256 characters", onlyProblem(largestWith(parts -> parts.name += "x")));
    }

    @Test
    void imageHasAtMostItsLength() {
        assertEquals("image: at most 1024 characters", onlyProblem(largestWith(parts -> parts.image += "f")));
    }

    @Test
    void cmdHasAtMostItsArguments() {
        assertEquals("cmd: at most 256 arguments", onlyProblem(largestWith(parts -> parts.cmd.add(""))));
    }

    @Test
    void cmdHasAtMostItsLengthInAllWhicheverArgumentGrows() {
        for (int i = 0; i < CMD_ARGUMENTS; i++) {
            int grown = i;
            assertEquals("cmd: at most 16384 characters in all",
                    onlyProblem(largestWith(parts -> parts.cmd.set(grown, parts.cmd.get(grown) + "x"))));
        }
    }

    @Test
    void envHasAtMostItsVariables() {
        assertEquals("env: at most 256 variables", onlyProblem(largestWith(parts -> parts.env.put("ONE_MORE", ""))));
    }

    @Test
    void envNamesHaveAtMostTheirLength() {
        assertEquals("env: a variable name has at most 128 characters", onlyProblem(largestWith(parts -> {
            String name = parts.env.keySet().iterator().next();
            parts.env.put(name + "_", parts.env.remove(name));
        })));
    }

    @Test
    void envValuesHaveAtMostTheirLengthInAllWhicheverValueGrows() {
        for (String name : new Largest().env.keySet()) {
            assertEquals("env: the values have at most 16384 characters in all",
                    onlyProblem(largestWith(parts -> parts.env.put(name, parts.env.get(name) + "x"))), name);
        }
    }

    @Test
    void eachDocumentListHasAtMostItsDocuments() {
        assertEquals("inputDocuments: at most 64 documents", onlyProblem(largestWith(parts ->
                parts.inputs.add(new JobSpec.InputDocument("D1", "one-more")))));
        assertEquals("outputDocuments: at most 64 documents", onlyProblem(largestWith(parts ->
                parts.outputs.add(new JobSpec.OutputDocument("one-more", null)))));
    }

    @Test
    void documentIdsMountPathsAndOwnersHaveAtMostTheirLength() {
        for (int i = 0; i < DOCUMENTS; i++) {
            int at = i;
            assertEquals("inputDocuments[" + i + "].id: at most 64 characters", onlyProblem(largestWith(parts ->
                    parts.inputs.set(at, new JobSpec.InputDocument(parts.inputs.get(at).id() + "x",
                            parts.inputs.get(at).mountPath())))));
            assertEquals("inputDocuments[" + i + "].mountPath: at most 256 characters", onlyProblem(largestWith(
                    parts -> parts.inputs.set(at, new JobSpec.InputDocument(parts.inputs.get(at).id(),
                            parts.inputs.get(at).mountPath() + "x")))));
            assertEquals("outputDocuments[" + i + "].mountPath: at most 256 characters", onlyProblem(largestWith(
                    parts -> parts.outputs.set(at, new JobSpec.OutputDocument(
                            parts.outputs.get(at).mountPath() + "x", parts.outputs.get(at).owner())))));
            assertEquals("outputDocuments[" + i + "].owner: at most 64 characters", onlyProblem(largestWith(parts ->
                    parts.outputs.set(at, new JobSpec.OutputDocument(parts.outputs.get(at).mountPath(),
                            parts.outputs.get(at).owner() + "x")))));
        }
    }

    @Test
    void egressHasAtMostItsPeersEachOfAtMostItsLength() {
        assertEquals("networkPolicy.egress: at most 64 peers", onlyProblem(largestWith(parts ->
                parts.egress.add(new JobSpec.EgressPeer("192.0.2.1")))));
        for (int i = 0; i < EGRESS_PEERS; i++) {
            int at = i;
            assertEquals("networkPolicy.egress[" + i + "].cidr: at most 64 characters", onlyProblem(largestWith(
                    parts -> parts.egress.set(at, new JobSpec.EgressPeer(parts.egress.get(at).cidr() + "x")))));
        }
    }

    @Test
    void memoryHasAtMostItsLength() {
        assertEquals("memory: at most 16 characters", onlyProblem(largestWith(parts -> parts.memory = " "
                + parts.memory)));
    }

    @Test
    void timeoutHasAtMostItsLength() {
        assertEquals("timeout: at most 16 characters", onlyProblem(largestWith(parts -> parts.timeout = "1".repeat(16)
                + "h")));
    }

    @Test
    void aSpecOverALimitIsRefusedForThatAlone() {
        var spec = new JobSpec("j", "NOT A REFERENCE".repeat(100), List.of("-c", "true"), Map.of("PATH", "/evil"),
                null, null, -1.0, null, null);

        assertEquals(List.of("image: at most 1024 characters"), JobSpecRules.problemsWith(spec));
    }

    @Test
    void aListOverItsCountIsReportedOnceNotEntryByEntry() {
        var inputs = new ArrayList<JobSpec.InputDocument>();
        for (int i = 0; i < 10_000; i++) {
            inputs.add(new JobSpec.InputDocument("x".repeat(1_000), "../escape"));
        }
        var spec = new JobSpec("j", "busybox", List.of(), null, inputs, null, null, null, null);

        assertEquals(List.of("inputDocuments: at most 64 documents"), JobSpecRules.problemsWith(spec));
    }

    @Test
    void everyProblemNamesItsField() {
        var spec = largestWith(parts -> {
            parts.name += "x";
            parts.memory += "x";
            parts.egress.add(new JobSpec.EgressPeer("192.0.2.1"));
        });

        assertEquals(List.of("name: at most 256 characters", "memory: at most 16 characters",
                "networkPolicy.egress: at most 64 peers"), JobSpecRules.problemsWith(spec));
    }
}
