package dev.parcel.jobapi.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamQuotaTest {
    @Test
    void eachIdentityHoldsAtMostTheMaximumAndGetsRoomBackAsStreamsClose() {
        var quota = new StreamQuota(2);

        assertTrue(quota.tryOpen("Ialice"));
        assertTrue(quota.tryOpen("Ialice"));
        assertFalse(quota.tryOpen("Ialice"));
        assertTrue(quota.tryOpen("Ibob"), "another identity is not held back");

        quota.closed("Ialice");
        assertTrue(quota.tryOpen("Ialice"));
        assertFalse(quota.tryOpen("Ialice"));
    }

    @Test
    void closingMoreThanWasOpenedGivesNoExtraRoom() {
        var quota = new StreamQuota(1);
        quota.closed("Ialice");

        assertTrue(quota.tryOpen("Ialice"));
        assertFalse(quota.tryOpen("Ialice"));
    }
}
