package dev.parcel.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final long GIB = 1L << 30;

    private static Worker idle(String id, double cpus, long memory) {
        return new Worker(id, cpus, memory, cpus, memory, 0, 0);
    }

    private static PendingJob job(String id, double cpus, long memory) {
        return new PendingJob(id, new ResourceRequest(cpus, memory));
    }

    @Test
    void jobIsClampedToTheWorkersPerJobMaximum() {
        var worker = new Worker("w1", 8, 16 * GIB, 2, 4 * GIB, 0, 0);

        var plan = Placement.plan(List.of(job("J1", 64, 100 * GIB)), List.of(worker));

        assertEquals(List.of(new Assignment("J1", "w1", new ResourceRequest(2, 4 * GIB))), plan);
    }

    @Test
    void jobWithNoRoomStaysPending() {
        var busy = new Worker("w1", 2, 4 * GIB, 2, 4 * GIB, 2, 4 * GIB);

        assertTrue(Placement.plan(List.of(job("J1", 1, GIB)), List.of(busy)).isEmpty());
        assertTrue(Placement.plan(List.of(job("J1", 1, GIB)), List.of()).isEmpty());
    }

    @Test
    void placedJobsUseUpCapacityWithinOnePlan() {
        var plan = Placement.plan(List.of(job("J1", 1, GIB), job("J2", 1, GIB), job("J3", 1, GIB)),
                List.of(idle("w1", 2, 8 * GIB)));

        assertEquals(List.of("J1", "J2"), plan.stream().map(Assignment::jobId).toList());
    }

    @Test
    void prefersTheWorkerWithMostFreeCpus() {
        var plan = Placement.plan(List.of(job("J1", 1, GIB), job("J2", 1, GIB)),
                List.of(idle("small", 2, 8 * GIB), idle("big", 3, 8 * GIB)));

        assertEquals("big", plan.get(0).workerId());
        assertEquals("small", plan.get(1).workerId(), "after J1 both have 2 cpus free and small has more memory free");
    }

    @Test
    void aJobThatFitsNowhereDoesNotBlockSmallerOnes() {
        var worker = new Worker("w1", 4, 8 * GIB, 4, 8 * GIB, 3, 0);

        var plan = Placement.plan(List.of(job("big", 4, GIB), job("small", 1, GIB)), List.of(worker));

        assertEquals(List.of("small"), plan.stream().map(Assignment::jobId).toList());
    }

    @Test
    void fractionalCpusAddUpExactly() {
        var plan = Placement.plan(List.of(job("a", 0.1, 1), job("b", 0.2, 1), job("c", 0.7, 1)),
                List.of(idle("w1", 1, GIB)));

        assertEquals(3, plan.size());
    }

    @Test
    void aWorkerOfferingNothingGetsNoJobs() {
        var retired = new Worker("w1", 0, 0, 0, 0, 0, 0);

        assertTrue(Placement.plan(List.of(job("J1", 1, GIB)), List.of(retired)).isEmpty());
    }

    @Test
    void aWorkerHasRoomUntilItsCpusOrItsMemoryAreAllGranted() {
        var worker = idle("w1", 1, GIB);
        assertTrue(worker.hasRoom());
        assertTrue(worker.withPlaced(new ResourceRequest(0.5, GIB / 2)).hasRoom());
        assertFalse(worker.withPlaced(new ResourceRequest(0.1 + 0.2 + 0.7, GIB / 2)).hasRoom(), "cpus all granted");
        assertFalse(worker.withPlaced(new ResourceRequest(0.5, GIB)).hasRoom(), "memory all granted");
        assertFalse(new Worker("w2", 0, 0, 0, 0, 0, 0).hasRoom(), "a worker offering nothing");
    }
}
