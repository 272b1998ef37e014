package dev.parcel.jobapi.api;

import dev.parcel.events.JobPhase;
import dev.parcel.events.JobReason;
import dev.parcel.events.JobSpec;
import dev.parcel.jobapi.JobLogs;
import dev.parcel.jobapi.JobReads;
import dev.parcel.jobapi.JobReads.Job;
import dev.parcel.jobapi.JobStatusStream;
import dev.parcel.jobapi.JobSubmissions;
import dev.parcel.jobapi.domain.IdempotencyKey;
import dev.parcel.jobapi.domain.JobStatus;
import dev.parcel.web.ApiProblem;
import dev.parcel.web.Caller;
import dev.parcel.web.ReactiveWork;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Path("/v1/compute/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class JobResource {
    private static final String NDJSON = "application/x-ndjson";
    private final JobSubmissions jobs;
    private final JobReads reads;
    private final JobStatusStream statusStream;
    private final JobLogs logs;
    private final Caller caller;

    JobResource(JobSubmissions jobs, JobReads reads, JobStatusStream statusStream, JobLogs logs, Caller caller) {
        this.jobs = jobs;
        this.reads = reads;
        this.statusStream = statusStream;
        this.logs = logs;
        this.caller = caller;
    }

    /** Parcel's JobSpec as a client sends it; unknown fields are ignored. */
    public record JobSpecRequest(
            @NotBlank String name,
            @NotBlank String image,
            @NotNull List<@NotNull String> cmd,
            Map<String, String> env,
            List<JobSpec.InputDocument> inputDocuments,
            List<JobSpec.OutputDocument> outputDocuments,
            Double cpus,
            String memory,
            JobSpec.NetworkPolicy networkPolicy,
            @Schema(description = "How long the job may run, as a whole number of seconds, minutes or hours (90s,"
                    + " 30m, 2h); a worker's maximum run time bounds it. Past it the job gets SIGTERM, then SIGKILL"
                    + " after the worker's grace period, and ends Failed with reason DeadlineExceeded.")
            String timeout) {

        JobSpec toSpec() {
            return new JobSpec(name, image, cmd, env, inputDocuments, outputDocuments, cpus, memory, networkPolicy,
                    timeout);
        }
    }

    /**
     * Parcel's PODJobStatus, and for programs: the newest attempt's number, exit code (when its command ran to an
     * end), why it ended, and when its command started and ended. Clients that predate these fields ignore them.
     */
    public record StatusView(JobPhase phase, String message, String host, Integer exitCode, JobReason reason,
            Instant startedAt, Instant finishedAt, int attempt) {
        static StatusView of(JobStatus status) {
            return new StatusView(status.phase(), status.message(), status.host(), status.exitCode(),
                    status.reason(), status.startedAt(), status.finishedAt(), status.attempt());
        }
    }

    public record OutputDocumentView(String id, String mountPath) {
    }

    public record IoView(List<String> accessedDocuments, List<OutputDocumentView> outputDocuments) {
    }

    /** Parcel's PODJob. */
    public record JobView(String id, Instant createdAt, JobSpec spec, IoView io, StatusView status) {
        static JobView of(Job job) {
            return new JobView(job.id(), job.createdAt(), job.spec(), new IoView(job.accessedDocuments(),
                    job.outputDocuments().stream()
                            .map(output -> new OutputDocumentView(output.id(), output.mountPath())).toList()),
                    StatusView.of(job.status()));
        }
    }

    public record JobStatusView(String id, Instant createdAt, StatusView status) {
    }

    /** A page of jobs; {@code nextPageToken} is empty on the last page. */
    public record JobPageView(List<JobView> results, String nextPageToken) {
    }

    /**
     * Submits a job. With an {@code Idempotency-Key}, a repeat of the key by the same caller within its lifetime
     * (24 h by default) answers 200 with the job the first request made, as it is now, and makes no other; so a
     * client that lost the 201 can simply send the request again.
     */
    @POST
    @APIResponse(responseCode = "201", description = "The job was made.",
            content = @Content(schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "200", description = "An earlier request with this Idempotency-Key made the job;"
            + " this is that job, and no other was made.",
            content = @Content(schema = @Schema(implementation = JobView.class)))
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with a different job spec.")
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, description = "Any 1 to 255 printable ASCII"
            + " characters naming this submission (a UUID, say): the same key from the same caller within 24 h (by"
            + " default) gets the same job, never a second one.",
            schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = IdempotencyKey.MAX_LENGTH))
    public Uni<RestResponse<JobView>> submit(@Valid @NotNull JobSpecRequest spec,
            @Context HttpServerRequest request) {
        return jobs.submit(caller.identityId(), spec.toSpec(), idempotencyKey(request)).map(submission ->
                RestResponse.status(submission.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                        JobView.of(submission.job())));
    }

    /**
     * The header as sent, or null without one. Read from Vert.x: a {@code @HeaderParam} would take an empty key for
     * none (a client bug that must not silently lose its idempotency) and hide all but the first of several.
     */
    private static String idempotencyKey(HttpServerRequest request) {
        List<String> sent = request.headers().getAll(IdempotencyKey.HEADER);
        if (sent.size() > 1) {
            throw ApiProblem.invalid(IdempotencyKey.HEADER + ": must be sent at most once");
        }
        return sent.isEmpty() ? null : sent.get(0);
    }

    /**
     * The jobs the caller submitted and the jobs that read documents it owns, newest first; {@code submitter} and
     * {@code input-owner} narrow the list.
     */
    @GET
    public Uni<JobPageView> list(@RestQuery String submitter, @RestQuery("input-owner") String inputOwner,
            @RestQuery("page-size") String pageSize, @RestQuery("page-token") String pageToken) {
        return reads.list(caller.identityId(), submitter, inputOwner, pageSize, pageToken).map(page ->
                new JobPageView(page.results().stream().map(JobView::of).toList(), page.nextPageToken()));
    }

    /** The job, for its submitter and the owners of documents it read. */
    @GET
    @Path("/{id}")
    public Uni<JobView> get(@PathParam("id") String id) {
        return reads.find(caller.identityId(), id).map(JobView::of);
    }

    @GET
    @Path("/{id}/status")
    public Uni<JobStatusView> status(@PathParam("id") String id) {
        return reads.status(caller.identityId(), id)
                .map(job -> new JobStatusView(job.id(), job.createdAt(), StatusView.of(job.status())));
    }

    /**
     * Server-Sent Events: the job's current status at once, then every change until it ends, when the stream
     * closes. Each event's id numbers the status; a client reconnecting with {@code Last-Event-ID} gets what came
     * after it.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") String id,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        // Decided before the stream starts, so that a refusal is still an ordinary 404 with a JSON error.
        Job job = ReactiveWork.await(() -> reads.status(caller.identityId(), id));
        return statusStream.follow(caller.identityId(), job, seenSeq(lastEventId)).map(change -> sse.newEventBuilder()
                .id(Integer.toString(change.seq()))
                .name("status")
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(StatusEventView.class, new StatusEventView(change.jobId(), StatusView.of(change.status())))
                .build());
    }

    /** What a status event carries: Parcel's PODJobStatusReport. */
    public record StatusEventView(String id, StatusView status) {
    }

    private static int seenSeq(String lastEventId) {
        try {
            return lastEventId == null ? 0 : Math.max(0, Integer.parseInt(lastEventId.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What the job printed, both streams, a line each: {@code <time> <stream> <line>}. Readable by whoever may see
     * the job and may read, directly and now, every document it read; for anyone else it does not exist. With
     * {@code follow=true}, new lines come as the job prints them, and the response ends when the job has ended.
     */
    @GET
    @Path("/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @Blocking
    public Multi<String> logs(@PathParam("id") String id, @RestQuery boolean follow,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return logLines(id, follow, authorization).map(JobLogs.LogLine::asText);
    }

    /** The same as JSON lines: {@code {"time", "stream", "line"}}, {@code stream} is stdout, stderr or parcel. */
    @GET
    @Path("/{id}/logs")
    @Produces(NDJSON)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    public Multi<JobLogs.LogLine> logsAsJsonLines(@PathParam("id") String id, @RestQuery boolean follow,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return logLines(id, follow, authorization);
    }

    private Multi<JobLogs.LogLine> logLines(String id, boolean follow, String authorization) {
        String reader = caller.identityId();
        return follow
                ? statusStream.counted(reader, () -> logs.lines(reader, authorization, id, true))
                : logs.lines(reader, authorization, id, false);
    }

    /** Terminates the job (204): a pending job never starts, a running one is killed; a finished one stays as is. */
    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    public Uni<Void> terminate(@PathParam("id") String id) {
        return jobs.terminate(caller.identityId(), id);
    }
}
