package dev.parcel.documents.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.documents.domain.AccessContext.DocumentFacts;
import dev.parcel.documents.domain.AccessContext.JobFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessDecisionTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final DocumentFacts ALICES = new DocumentFacts("D1", "Ialice", "Ialice", null, Set.of(), null);
    private static final GrantCondition ANALYTICS_JOBS_ONLY = ConditionParser.parse(
            Map.of("job.spec.image", Map.of("$eq", "acme/analytics:1")));

    private static JobFacts job(String image) {
        return new JobFacts("J1", image, List.of(), List.of(), "worker-a");
    }

    private static boolean mayRead(String accessor, JobFacts job, Grant... grants) {
        var context = job == null ? AccessContext.directRead(ALICES, accessor, NOW)
                : AccessContext.jobRead(ALICES, accessor, job, NOW);
        return AccessDecision.mayRead(context, List.of(grants));
    }

    @Test
    void ownerAlwaysReads() {
        assertTrue(mayRead("Ialice", null));
        assertTrue(mayRead("Ialice", job("anything")));
    }

    @Test
    void strangerWithoutAGrantNeverReads() {
        assertFalse(mayRead("Ibob", null));
        assertFalse(mayRead("Ibob", job("acme/analytics:1")));
    }

    @Test
    void unconditionalGrantLetsItsGranteeRead() {
        var grant = new Grant("G1", "Ialice", "Ibob", null);
        assertTrue(mayRead("Ibob", null, grant));
        assertFalse(mayRead("Icarol", null, grant), "a grant is for its grantee only");
    }

    @Test
    void grantToEveryoneLetsAnyIdentityRead() {
        assertTrue(mayRead("Icarol", null, new Grant("G1", "Ialice", Grant.EVERYONE, null)));
    }

    @Test
    void grantOnlyCountsWhenItsGranterOwnsTheDocument() {
        assertFalse(mayRead("Ibob", null, new Grant("G1", "Imallory", "Ibob", null)));
    }

    @Test
    void jobConditionGrantsTheJobButNotADirectDownload() {
        var grant = new Grant("G1", "Ialice", "Ibob", ANALYTICS_JOBS_ONLY);
        assertTrue(mayRead("Ibob", job("acme/analytics:1"), grant));
        assertFalse(mayRead("Ibob", job("evil/exfiltrate"), grant));
        assertFalse(mayRead("Ibob", null, grant));
    }

    @Test
    void anyOneHoldingGrantSuffices() {
        var jobsOnly = new Grant("G1", "Ialice", "Ibob", ANALYTICS_JOBS_ONLY);
        var direct = new Grant("G2", "Ialice", "Ibob", null);
        assertTrue(mayRead("Ibob", null, jobsOnly, direct));
    }
}
