package dev.parcel.executor.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.events.jobspec.Cidr;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EgressRulesTest {
    private static final List<Cidr> ALLOWED = List.of(Cidr.parse("198.18.7.2/32"), Cidr.parse("192.0.2.0/24"));

    private static int indexOf(List<List<String>> commands, List<String> command) {
        int index = commands.indexOf(command);
        assertTrue(index >= 0, "missing " + command + " in " + commands);
        return index;
    }

    @Test
    void forwardedTrafficReachesOnlyTheListedNetworksThenIsRejected() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "DOCKER-USER", ALLOWED, List.of(), Optional.empty());

        int replies = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-m", "conntrack", "--ctstate",
                "ESTABLISHED,RELATED", "-j", "ACCEPT"));
        int first = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-d", "198.18.7.2/32", "-j", "ACCEPT"));
        int second = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-d", "192.0.2.0/24", "-j", "ACCEPT"));
        int reject = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-j", "REJECT"));
        assertTrue(replies < first && first < second && second < reject);
    }

    @Test
    void otherContainersAndDeniedNetworksAreRejectedWhateverTheJobLists() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "DOCKER-USER", List.of(Cidr.parse("0.0.0.0/0")),
                List.of(Cidr.parse("169.254.0.0/16")), Optional.empty());

        int replies = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-m", "conntrack", "--ctstate",
                "ESTABLISHED,RELATED", "-j", "ACCEPT"));
        int everywhere = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-d", "0.0.0.0/0", "-j", "ACCEPT"));
        for (String bridge : List.of("pj+", "docker0", "br-+")) {
            int rejected = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-o", bridge, "-j", "REJECT"));
            assertTrue(replies < rejected && rejected < everywhere, bridge);
        }
        int linkLocal = indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-d", "169.254.0.0/16", "-j",
                "REJECT"));
        assertTrue(linkLocal < everywhere);
    }

    @Test
    void theHostIsUnreachableEvenWhenAListedNetworkContainsIt() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "DOCKER-USER", List.of(Cidr.parse("0.0.0.0/0")),
                List.of(), Optional.empty());

        var hostRules = plan.install().stream().filter(c -> c.get(0).equals("-A") && c.get(1).equals("PARCEL-abc-IN"))
                .toList();
        assertEquals(List.of("-A", "PARCEL-abc-IN", "-j", "REJECT"), hostRules.get(hostRules.size() - 1));
        assertTrue(hostRules.stream().noneMatch(rule -> rule.contains("0.0.0.0/0")));
    }

    @Test
    void apiAccessOpensOnlyTheRelayOnTheHost() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "DOCKER-USER", List.of(), List.of(),
                Optional.of(new EgressRules.HostEndpoint("172.30.0.1", 40123)));

        int relay = indexOf(plan.install(), List.of("-A", "PARCEL-abc-IN", "-p", "tcp", "-d", "172.30.0.1",
                "--dport", "40123", "-j", "ACCEPT"));
        assertTrue(relay < indexOf(plan.install(), List.of("-A", "PARCEL-abc-IN", "-j", "REJECT")));
    }

    @Test
    void chainsAreHookedForTheJobsBridgeOnlyAfterTheyAreComplete() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "FORWARD", ALLOWED, List.of(), Optional.empty());

        int lastRule = Math.max(indexOf(plan.install(), List.of("-A", "PARCEL-abc-OUT", "-j", "REJECT")),
                indexOf(plan.install(), List.of("-A", "PARCEL-abc-IN", "-j", "REJECT")));
        assertTrue(lastRule < indexOf(plan.install(), List.of("-I", "FORWARD", "-i", "pjabc", "-j", "PARCEL-abc-OUT")));
        assertTrue(lastRule < indexOf(plan.install(), List.of("-I", "INPUT", "-i", "pjabc", "-j", "PARCEL-abc-IN")));
    }

    @Test
    void removalUnhooksBeforeItDeletesTheChains() {
        var plan = EgressRules.plan("PARCEL-abc", "pjabc", "DOCKER-USER", ALLOWED, List.of(), Optional.empty());

        assertTrue(indexOf(plan.remove(), List.of("-D", "DOCKER-USER", "-i", "pjabc", "-j", "PARCEL-abc-OUT"))
                < indexOf(plan.remove(), List.of("-X", "PARCEL-abc-OUT")));
        assertTrue(indexOf(plan.remove(), List.of("-D", "INPUT", "-i", "pjabc", "-j", "PARCEL-abc-IN"))
                < indexOf(plan.remove(), List.of("-X", "PARCEL-abc-IN")));
    }

    @Test
    void cidrsAreWrittenAsIptablesTakesThem() {
        assertEquals("2001:db8::/32", Cidr.parse("2001:0db8:0000::/32").toString());
        assertEquals("192.0.2.7/32", Cidr.parse("192.0.2.7").toString());
        assertTrue(Cidr.parse("::1").prefixLength() == 128 && !Cidr.parse("::1").isIpv4());
    }
}
