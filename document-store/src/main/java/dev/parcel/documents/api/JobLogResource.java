package dev.parcel.documents.api;

import dev.parcel.documents.JobLogs;
import dev.parcel.tokens.JobTokens;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Jobs' logs. The executor appends what a job prints, in chunks, with its token for that job's attempt; the job-api
 * reads them for a caller, with the caller's token, once it has checked that the caller may see the job.
 */
@Path("/v1/jobs/{id}/logs")
public class JobLogResource {
    private final JobLogs logs;
    private final Caller caller;

    JobLogResource(JobLogs logs, Caller caller) {
        this.logs = logs;
        this.caller = caller;
    }

    /** Appends chunk number {@code chunk} of the attempt the executor's token is for: JSON lines, at most 1 MiB. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @ResponseStatus(204)
    @Blocking
    public Uni<Void> append(@PathParam("id") String jobId, @QueryParam("chunk") Long chunk, InputStream body)
            throws IOException {
        JobTokens.JobClaims job = caller.job().filter(claims -> claims.use() == JobTokens.Use.EXECUTOR
                && claims.jobId().equals(jobId))
                .orElseThrow(() -> ApiProblem.forbidden("only the executor running job " + jobId + " appends to its"
                        + " logs"));
        if (chunk == null || chunk < 1) {
            throw ApiProblem.invalid("chunk: must be a positive whole number");
        }
        byte[] lines = body.readNBytes(JobLogs.MAX_CHUNK_BYTES + 1);
        if (lines.length > JobLogs.MAX_CHUNK_BYTES) {
            throw ApiProblem.tooLarge("a log chunk may hold at most " + JobLogs.MAX_CHUNK_BYTES + " bytes");
        }
        return logs.append(job, chunk, lines);
    }

    /** The job's log chunks after {@code after} (a chunk's {@code position}), when the caller may read them. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<JobLogs.Page> read(@PathParam("id") String jobId, @QueryParam("after") String after) {
        return logs.read(caller.identityId(), jobId, JobLogs.Position.parse(after));
    }
}
