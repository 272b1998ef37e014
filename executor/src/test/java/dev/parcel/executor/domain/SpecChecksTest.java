package dev.parcel.executor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.JobSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecChecksTest {

    private static JobSpec spec(Map<String, String> env, JobSpec.NetworkPolicy policy) {
        return new JobSpec("j", "img", List.of("-c", "true"), env, null, null, null, null, policy);
    }

    private static JobSpec.NetworkPolicy egress(String... cidrs) {
        return new JobSpec.NetworkPolicy(java.util.Arrays.stream(cidrs).map(JobSpec.EgressPeer::new).toList(), false);
    }

    @Test
    void ordinarySpecRuns() {
        assertEquals(Optional.empty(), SpecChecks.problemWith(spec(Map.of("GREETING", "hi", "_x1", ""),
                egress("198.18.0.0/15", "2001:db8::/32", "192.0.2.7"))));
    }

    @Test
    void pathInAnyCaseNeverReachesTheContainer() {
        for (String name : new String[] {"PATH", "path", "Path"}) {
            var problem = SpecChecks.problemWith(spec(Map.of(name, "/evil"), null));
            assertTrue(problem.orElseThrow().contains("PATH"), name);
        }
    }

    @Test
    void environmentNamesMustBeVariableNames() {
        for (String name : new String[] {"", "1A", "A-B", "A=B", "A B"}) {
            assertTrue(SpecChecks.problemWith(spec(Map.of(name, "v"), null)).isPresent(), name);
        }
    }

    @Test
    void mountPathsOutsideTheirDirectoryAreRefusedNamingTheEntry() {
        var spec = new JobSpec("j", "img", List.of(), null, List.of(new JobSpec.InputDocument("D1", "ok"),
                new JobSpec.InputDocument("D2", "../etc")), null, null, null, null);

        assertTrue(SpecChecks.problemWith(spec).orElseThrow().startsWith("inputDocuments[1].mountPath"));
    }

    @Test
    void egressMustNameIpNetworksNeverHostNames() {
        for (String cidr : new String[] {"example.com", "10.0.0.0/33", "2001:db8::/129", "1.2.3.4/-1", "", "1.2.3/8",
                "1.2.3.4/8/9"}) {
            var problem = SpecChecks.problemWith(spec(null, egress(cidr)));
            assertTrue(problem.orElseThrow().startsWith("networkPolicy.egress[0].cidr"), cidr);
        }
    }
}
