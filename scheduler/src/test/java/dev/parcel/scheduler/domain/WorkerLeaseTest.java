package dev.parcel.scheduler.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerLeaseTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Instant LONG_AGO = NOW.minusSeconds(86_400);

    @Test
    void workerHeardWithinTheLeaseKeepsIt() {
        assertFalse(new WorkerLease("w1", NOW.minusSeconds(29)).lostAt(NOW, LEASE, LONG_AGO));
        assertFalse(new WorkerLease("w1", NOW.minus(LEASE)).lostAt(NOW, LEASE, LONG_AGO),
                "the lease's last instant counts");
    }

    @Test
    void workerSilentForLongerThanTheLeaseIsLost() {
        assertTrue(new WorkerLease("w1", NOW.minus(LEASE).minusMillis(1)).lostAt(NOW, LEASE, LONG_AGO));
    }

    @Test
    void onlyTheSilentWorkersAreLost() {
        var leases = List.of(new WorkerLease("w1", NOW.minusSeconds(31)), new WorkerLease("w2", NOW.minusSeconds(1)),
                new WorkerLease("w3", NOW.minusSeconds(3600)));

        assertEquals(List.of("w1", "w3"), WorkerLease.lost(leases, NOW, LEASE, LONG_AGO));
    }

    @Test
    void schedulerThatJustStartedLosesNoWorkerBeforeItListenedForALease() {
        var silentWhileTheSchedulerWasDown = new WorkerLease("w1", NOW.minusSeconds(600));

        assertFalse(silentWhileTheSchedulerWasDown.lostAt(NOW, LEASE, NOW.minusSeconds(10)));
        assertTrue(silentWhileTheSchedulerWasDown.lostAt(NOW, LEASE, NOW.minusSeconds(31)));
    }
}
