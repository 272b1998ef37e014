package dev.parcel.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.tokens.JobTokens.JobClaims;
import dev.parcel.tokens.JobTokens.Use;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobTokenScopeTest {
    private static final JobClaims RELAYED = job(Use.RELAY);
    private static final JobClaims EXECUTOR = job(Use.EXECUTOR);

    private static JobClaims job(Use use) {
        return new JobClaims("J1", 1, "Ibob", "acme/analytics:1", List.of(), List.of(), "w1", use);
    }

    @ParameterizedTest
    @CsvSource({
            "GET, /v1/documents/D1",
            "GET, /v1/storage/D1/download",
            "POST, /v1/documents/search",
            "GET, /v1/compute/jobs/J1",
            "GET, /v1/compute/jobs/J1/status"})
    void aJobReadsDocumentsSearchesAndReadsItsOwnJob(String method, String path) {
        assertEquals(Optional.empty(), JobTokenScope.refusal(RELAYED, method, path));
    }

    @ParameterizedTest
    @CsvSource({
            "POST, /v1/storage",
            "POST, /v1/compute/jobs",
            "GET, /v1/compute/jobs",
            "GET, /v1/compute/jobs/J2",
            "GET, /v1/compute/jobs/J1/events",
            "DELETE, /v1/compute/jobs/J1",
            "POST, /v1/grants",
            "GET, /v1/grants",
            "GET, /v1/identities/me",
            "GET, /v1/documents/D1/history",
            "PUT, /v1/documents/D1",
            "DELETE, /v1/documents/D1",
            "POST, /v1/jobs/J1/logs",
            "GET, /v1/jobs/J1/logs",
            "GET, /v1/compute/jobs/J1/logs"})
    void aJobDoesNothingElse(String method, String path) {
        assertTrue(JobTokenScope.refusal(RELAYED, method, path).orElseThrow().startsWith("a job's token may only"));
    }

    @ParameterizedTest
    @CsvSource({"POST, /v1/storage", "GET, /v1/storage/D1/download", "POST, /v1/jobs/J1/logs"})
    void theExecutorStagesInputsUploadsOutputsAndAppendsToTheJobsLogs(String method, String path) {
        assertEquals(Optional.empty(), JobTokenScope.refusal(EXECUTOR, method, path));
    }

    @ParameterizedTest
    @CsvSource({"POST, /v1/compute/jobs", "GET, /v1/compute/jobs/J1", "POST, /v1/grants", "POST, /v1/jobs/J2/logs",
            "GET, /v1/jobs/J1/logs"})
    void theExecutorsTokenSubmitsNothingGrantsNothingAndReadsNoLogs(String method, String path) {
        assertTrue(JobTokenScope.refusal(EXECUTOR, method, path).isPresent());
    }

    @org.junit.jupiter.api.Test
    void anUploadIsOneOfTheAttemptsDeclaredOutputsWithItsDeclaredOwner() {
        var job = new JobClaims("J1", 2, "Ibob", "acme/analytics:1", List.of(),
                List.of(Map.of("mountPath", "r.txt", "owner", "Ialice"), Map.of("mountPath", "log.txt")), "w1",
                Use.EXECUTOR);

        assertEquals(Optional.of("Ialice"), JobTokenScope.declaredOutputOwner(job, "J1/2/r.txt"));
        assertEquals(Optional.of("Ibob"), JobTokenScope.declaredOutputOwner(job, "J1/2/log.txt"));
        assertEquals(Optional.empty(), JobTokenScope.declaredOutputOwner(job, "J1/2/other.txt"));
        assertEquals(Optional.empty(), JobTokenScope.declaredOutputOwner(job, "J1/1/r.txt"));
        assertEquals(Optional.empty(), JobTokenScope.declaredOutputOwner(job, "J2/2/r.txt"));
        assertEquals(Optional.empty(), JobTokenScope.declaredOutputOwner(job, null));
    }

    @ParameterizedTest
    @CsvSource({"GET, /v1/compute/jobs/J1x", "GET, /v1/compute/jobs/J.", "GET, /v1/documents/D1/history/"})
    void routesMatchWholeSegments(String method, String path) {
        assertTrue(JobTokenScope.refusal(RELAYED, method, path).isPresent());
    }
}
