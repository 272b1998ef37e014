package dev.parcel.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WaitReasonsTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static Worker worker(String id, double freeCpus, long freeMemory) {
        return new Worker(id, 4, 8 * GIB, 4, 8 * GIB, 4 - freeCpus, 8 * GIB - freeMemory);
    }

    private static PendingJob job(String id, double cpus, long memory) {
        return new PendingJob(id, new ResourceRequest(cpus, memory));
    }

    @Test
    void aJobShortOfCpusEverywhereNamesTheMostFreeAndWhere() {
        var queue = List.of(job("J1", 1, GIB), job("J2", 2, GIB), job("J3", 2, GIB));
        var workers = List.of(worker("worker-a", 0.5, 4 * GIB), worker("worker-b", 2, 4 * GIB));
        var plan = Placement.plan(queue, workers);
        assertEquals(List.of("J1"), plan.stream().map(Assignment::jobId).toList());

        var reasons = WaitReasons.explain(queue, plan, workers);


        assertEquals(Map.of(
                "J2", new WaitReasons.WaitReason("waiting for 2 cpus; the most free on any live worker is 1 cpu"
                        + " (worker-b)", 0),
                "J3", new WaitReasons.WaitReason("waiting for 2 cpus; the most free on any live worker is 1 cpu"
                        + " (worker-b)", 1)), reasons);
        assertEquals("waiting for 2 cpus; the most free on any live worker is 1 cpu (worker-b); 1 job ahead",
                reasons.get("J3").message());
        assertEquals("waiting for 2 cpus; the most free on any live worker is 1 cpu (worker-b); first in the queue",
                reasons.get("J2").message());
    }

    @Test
    void aJobShortOfMemoryOrOfBothSaysWhich() {
        var workers = List.of(worker("worker-a", 4, 256 * MIB), worker("worker-b", 0.25, 512 * MIB));

        assertEquals("waiting for 1024 MiB of memory; the most free on any live worker is 512 MiB (worker-b)",
                WaitReasons.reason(new ResourceRequest(0.5, GIB), workers));
        assertEquals("waiting for 4 cpus; the most free on any live worker is 3 cpus (worker-a), and for 1024 MiB"
                + " of memory; the most free on any live worker is 512 MiB (worker-b)",
                WaitReasons.reason(new ResourceRequest(8, GIB), List.of(worker("worker-a", 3, 256 * MIB),
                        new Worker("worker-b", 16, 8 * GIB, 16, 8 * GIB, 16, 8 * GIB - 512 * MIB))));
    }

    @Test
    void aRequestIsWeighedAsEachWorkerWouldGrantIt() {
        var small = new Worker("worker-small", 1, GIB, 0.5, GIB, 0.75, 0);

        assertEquals("waiting for 0.5 cpus; the most free on any live worker is 0.25 cpus (worker-small)",
                WaitReasons.reason(new ResourceRequest(64, GIB / 2), List.of(small)));
    }

    @Test
    void resourcesFreeOnlyOnDifferentWorkersAreNamedTogether() {
        var workers = List.of(worker("worker-a", 4, 0), worker("worker-b", 0, 4 * GIB));

        assertEquals("waiting for a worker with 1 cpu and 1024 MiB free at once",
                WaitReasons.reason(new ResourceRequest(1, GIB), workers));
    }

    @Test
    void aWorkerThatGrantsNothingCountsAsShortOfIt() {
        var retired = new Worker("worker-a-retired", 0, 0, 0, 0, 0, 0);
        var busy = worker("worker-busy", 0, 0);

        assertEquals("waiting for 1 cpu; the most free on any live worker is 0 cpus (worker-busy), and for 1024 MiB"
                + " of memory; the most free on any live worker is 0 MiB (worker-busy)",
                WaitReasons.reason(new ResourceRequest(1, GIB), List.of(retired, busy)));
        assertEquals("waiting for 1 cpu; the most free on any live worker is 0 cpus (worker-a-retired), and for"
                + " 1024 MiB of memory; the most free on any live worker is 0 MiB (worker-a-retired)",
                WaitReasons.reason(new ResourceRequest(1, GIB), List.of(retired)));
    }

    @Test
    void withoutALiveWorkerItSaysSo() {
        assertEquals(Map.of("J1", new WaitReasons.WaitReason("waiting for a worker: none is live", 0)),
                WaitReasons.explain(List.of(job("J1", 1, GIB)), List.of(), List.of()));
    }
}
