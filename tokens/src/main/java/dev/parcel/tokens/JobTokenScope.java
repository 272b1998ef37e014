package dev.parcel.tokens;

import dev.parcel.tokens.JobTokens.JobClaims;
import dev.parcel.tokens.JobTokens.Use;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The routes a job token may call. A job reads: its documents (the grants in its context decide which, and each read
 * is recorded as the job's), searches in its own context, and reads its own job. Only the executor uploads, and
 * only the job's declared outputs, and appends to the job's logs. Nothing made with a job token submits jobs, grants, or touches identities.
 */
public final class JobTokenScope {
    private static final String ID = "[^/]+";
    private static final List<Route> READS = List.of(
            new Route("GET", "/v1/documents/" + ID),
            new Route("GET", "/v1/storage/" + ID + "/download"),
            new Route("POST", "/v1/documents/search"));
    private static final Route UPLOAD = new Route("POST", "/v1/storage");

    private JobTokenScope() {
    }

    private record Route(String method, Pattern path) {
        Route(String method, String path) {
            this(method, Pattern.compile(path + "/?"));
        }

        boolean matches(String method, String path) {
            return this.method.equals(method) && this.path.matcher(path).matches();
        }
    }

    /** Why this job token may not make the request, or empty when it may. */
    public static Optional<String> refusal(JobClaims job, String method, String path) {
        if (READS.stream().anyMatch(route -> route.matches(method, path))) {
            return Optional.empty();
        }
        boolean permitted = switch (job.use()) {
            case EXECUTOR -> UPLOAD.matches(method, path) || ownLogs(job).matches(method, path);
            case RELAY -> ownJob(job).stream().anyMatch(route -> route.matches(method, path));
        };
        return permitted ? Optional.empty() : Optional.of(job.use() == Use.RELAY
                ? "a job's token may only read documents, search in the job's context and read its own job"
                : "the executor's token for job " + job.jobId() + " may only read its inputs, upload its outputs and"
                        + " append to its logs");
    }

    /**
     * The owner an upload made with the executor's token must give its document: the owner the job's spec declares
     * for the output named by the upload's key ({@code <jobId>/<attempt>/<mountPath>}), its submitter when the spec
     * names none; empty when the key names no declared output of this attempt.
     */
    public static Optional<String> declaredOutputOwner(JobClaims job, String idempotencyKey) {
        String attempt = job.jobId() + "/" + job.attempt() + "/";
        if (idempotencyKey == null || !idempotencyKey.startsWith(attempt)) {
            return Optional.empty();
        }
        String mountPath = idempotencyKey.substring(attempt.length());
        return job.outputs().stream().filter(output -> mountPath.equals(output.get("mountPath"))).findFirst()
                .map(output -> output.get("owner") instanceof String owner ? owner : job.submitter());
    }

    /** The executor appends what the job prints to the job's logs. */
    private static Route ownLogs(JobClaims job) {
        return new Route("POST", "/v1/jobs/" + Pattern.quote(job.jobId()) + "/logs");
    }

    private static List<Route> ownJob(JobClaims job) {
        String own = "/v1/compute/jobs/" + Pattern.quote(job.jobId());
        return List.of(new Route("GET", own), new Route("GET", own + "/status"));
    }
}
