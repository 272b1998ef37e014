package dev.parcel.events.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecRulesTest {

    private static JobSpec spec(String image, Map<String, String> env, Double cpus, String memory,
            JobSpec.NetworkPolicy policy) {
        return new JobSpec("j", image, List.of("-c", "true"), env, null, null, cpus, memory, policy);
    }

    private static JobSpec withEnv(Map<String, String> env) {
        return spec("busybox", env, null, null, null);
    }

    private static JobSpec.NetworkPolicy egress(String... cidrs) {
        return new JobSpec.NetworkPolicy(Arrays.stream(cidrs).map(JobSpec.EgressPeer::new).toList(), false);
    }

    private static String onlyProblem(JobSpec spec) {
        var problems = JobSpecRules.problemsWith(spec);
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    @Test
    void ordinarySpecHasNoProblems() {
        assertEquals(List.of(), JobSpecRules.problemsWith(spec("registry.example:5000/team/app:1.2@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Map.of("GREETING", "hi", "_x1", ""),
                0.5, "4M", egress("198.18.0.0/15", "2001:db8::/32", "192.0.2.7"))));
    }

    @Test
    void imageMustBeADockerReference() {
        for (String image : new String[] {"busybox", "parcel-test/busybox:latest", "localhost:5000/a/b",
                "a.b-c_d__e", "[::1]:5000/x:y"}) {
            assertEquals(List.of(), JobSpecRules.problemsWith(spec(image, null, null, null, null)), image);
        }
        for (String image : new String[] {"", "Busybox", "busybox:", ":tag", "a//b", "a/-b", "busybox@sha256:12",
                "http://registry/x", "a b", "x".repeat(256)}) {
            assertTrue(onlyProblem(spec(image, null, null, null, null)).startsWith("image:"), image);
        }
    }

    @Test
    void pathInAnyCaseNeverReachesTheContainer() {
        for (String name : new String[] {"PATH", "path", "Path"}) {
            assertEquals("env.PATH: a job may not set PATH", onlyProblem(withEnv(Map.of(name, "/evil"))), name);
        }
    }

    @Test
    void loaderVariablesInAnyCaseNeverReachTheContainer() {
        for (String name : new String[] {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "ld_preload", "Ld_Bind_Now"}) {
            String problem = onlyProblem(withEnv(Map.of(name, "/parcel/data/in/evil.so")));
            assertTrue(problem.startsWith("env." + name + ": a job may not set LD_ variables"), problem);
        }
        assertEquals(List.of(), JobSpecRules.problemsWith(withEnv(Map.of("OLD_VALUE", "1", "LD", "1"))));
    }

    @Test
    void platformVariablesAreThePlatformsOwn() {
        for (String name : new String[] {"PARCEL_TOKEN", "PARCEL_API_URL", "parcel_job_id"}) {
            assertEquals("env." + name + ": PARCEL_ variables are the platform's", onlyProblem(withEnv(Map.of(name,
                    "x"))));
        }
    }

    @Test
    void environmentNamesMustBeVariableNamesAndValuesStrings() {
        for (String name : new String[] {"", "1A", "A-B", "A=B", "A B"}) {
            assertTrue(onlyProblem(withEnv(Map.of(name, "v"))).startsWith("env:"), name);
        }
        var nullValue = new HashMap<String, String>();
        nullValue.put("A", null);
        assertEquals("env.A: must be a string", onlyProblem(withEnv(nullValue)));
    }

    @Test
    void memoryIsAPositiveIntegerOfMOrGAtLeast4M() {
        for (String memory : new String[] {"4M", "512M", "2G"}) {
            assertEquals(List.of(), JobSpecRules.problemsWith(spec("busybox", null, null, memory, null)), memory);
        }
        assertEquals("memory: must be at least 4M", onlyProblem(spec("busybox", null, null, "3M", null)));
        for (String memory : new String[] {"", "0M", "-4M", "4", "4K", "4m", "1.5G", "M"}) {
            assertTrue(onlyProblem(spec("busybox", null, null, memory, null)).startsWith("memory: must be a"), memory);
        }
    }

    @Test
    void timeoutIsAWholeNumberOfSecondsMinutesOrHours() {
        for (String timeout : new String[] {"90s", "30m", "2h", "1s"}) {
            assertEquals(List.of(), JobSpecRules.problemsWith(timed(timeout)), timeout);
        }
        assertEquals(java.time.Duration.ofMinutes(90), JobTimeout.parse("90m"));
        for (String timeout : new String[] {"", "0s", "-1s", "90", "1.5h", "1d", "PT90S", "90 s", "90S",
                "12345678s"}) {
            assertEquals("timeout: " + JobTimeout.RULE, onlyProblem(timed(timeout)), timeout);
        }
    }

    private static JobSpec timed(String timeout) {
        return new JobSpec("j", "busybox", List.of("-c", "true"), null, null, null, null, null, null, timeout);
    }

    @Test
    void cpusMustBePositiveAndFiniteButAreNeverTooLarge() {
        assertEquals(List.of(), JobSpecRules.problemsWith(spec("busybox", null, 1e6, null, null)));
        for (double cpus : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertTrue(onlyProblem(spec("busybox", null, cpus, null, null)).startsWith("cpus:"), "" + cpus);
        }
    }

    @Test
    void mountPathsStayInsideTheirDirectoryAndAreUniquePerList() {
        var spec = new JobSpec("j", "busybox", List.of(), null, List.of(new JobSpec.InputDocument("D1", "a"),
                new JobSpec.InputDocument("D2", "../etc"), new JobSpec.InputDocument("D3", "a"),
                new JobSpec.InputDocument(" ", "b")), List.of(new JobSpec.OutputDocument("a", null)),
                null, null, null);

        assertEquals(List.of("inputDocuments[3].id: is required",
                "inputDocuments[1].mountPath: has an empty, '.' or '..' segment",
                "inputDocuments[2].mountPath: appears twice in inputDocuments"), JobSpecRules.problemsWith(spec));
    }

    @Test
    void egressMustNameIpNetworksNeverHostNames() {
        for (String cidr : new String[] {"example.com", "10.0.0.0/33", "2001:db8::/129", "1.2.3.4/-1", "", "1.2.3/8",
                "1.2.3.4/8/9"}) {
            assertTrue(onlyProblem(spec("busybox", null, null, null, egress(cidr)))
                    .startsWith("networkPolicy.egress[0].cidr:"), cidr);
        }
    }
}
