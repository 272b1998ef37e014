package dev.parcel.executor.messaging;

import dev.parcel.testkit.HostCommands;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A host on a network of the test's own: a network namespace joined to this machine by a veth pair, with two
 * addresses from the benchmarking range 198.18.0.0/15 and a TCP listener on both that answers {@value #ANSWER}.
 * Traffic a test sends it never leaves this machine.
 */
final class TestHost implements AutoCloseable {
    static final String ANSWER = "reached";
    static final int PORT = 7000;

    private final String namespace;
    private final String hostSide;
    /** The address a job is allowed to reach, and one it is not, on the same host. */
    final String allowedAddress;
    final String deniedAddress;

    TestHost() {
        int id = ThreadLocalRandom.current().nextInt(1, 250);
        namespace = "parcel-test-" + id;
        hostSide = "vpt" + id;
        String peer = "vpn" + id;
        String prefix = "198.18." + id + ".";
        allowedAddress = prefix + "2";
        deniedAddress = prefix + "3";
        sh("ip netns add " + namespace,
                "ip link add " + hostSide + " type veth peer name " + peer,
                "ip link set " + peer + " netns " + namespace,
                "ip addr add " + prefix + "1/24 dev " + hostSide,
                "ip link set " + hostSide + " up",
                "ip netns exec " + namespace + " ip addr add " + allowedAddress + "/24 dev " + peer,
                "ip netns exec " + namespace + " ip addr add " + deniedAddress + "/24 dev " + peer,
                "ip netns exec " + namespace + " ip link set " + peer + " up",
                "ip netns exec " + namespace + " ip link set lo up",
                "(ip netns exec " + namespace + " /bin/busybox nc -ll -p " + PORT + " -e /bin/echo " + ANSWER
                        + " >/dev/null 2>&1 &)");
    }

    @Override
    public void close() {
        HostCommands.run(List.of("sh", "-c", "ip netns pids " + namespace + " | xargs -r kill; ip netns del " + namespace
                + "; ip link del " + hostSide + " 2>/dev/null; true"));
    }

    private static void sh(String... commands) {
        var output = HostCommands.run(List.of("sh", "-ec", String.join("\n", commands)));
        if (!output.isEmpty()) {
            throw new IllegalStateException("setting up the test host said: " + output);
        }
    }
}
