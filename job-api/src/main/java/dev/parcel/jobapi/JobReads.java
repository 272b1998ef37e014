package dev.parcel.jobapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobCompleted;
import dev.parcel.jobapi.domain.JobStatus;
import dev.parcel.events.JobSpec;
import dev.parcel.jobapi.persistence.AccessedDocuments;
import dev.parcel.jobapi.persistence.JobEntity;
import dev.parcel.jobapi.persistence.JobListing;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/**
 * Reading the jobs read model. A caller sees the jobs it submitted and the jobs that read documents it owns;
 * for anyone else a job does not exist (the same 404).
 */
@ApplicationScoped
public class JobReads {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    private static final TypeReference<List<JobCompleted.OutputDocument>> OUTPUTS = new TypeReference<>() {
    };

    private final AccessedDocuments accessed;
    private final JobListing listing;
    private final ObjectMapper json;

    JobReads(AccessedDocuments accessed, JobListing listing, ObjectMapper json) {
        this.accessed = accessed;
        this.listing = listing;
        this.json = json;
    }

    public record Job(String id, String submitter, Instant createdAt, JobSpec spec, JobStatus status,
            List<String> accessedDocuments, List<JobCompleted.OutputDocument> outputDocuments) {
    }

    public record Page(List<Job> results, String nextPageToken) {
    }

    /** The whole job (its io too), when {@code caller} may see it. */
    @WithSession
    public Uni<Job> find(String caller, String jobId) {
        return visible(caller, jobId).chain(row -> accessed.of(List.of(jobId))
                .map(documents -> toJob(row, documents.getOrDefault(jobId, List.of()))));
    }

    /** Just the job's row, for its status: no io is assembled. */
    @WithSession
    public Uni<Job> status(String caller, String jobId) {
        return visible(caller, jobId).map(row -> toJob(row, List.of()));
    }

    /** A page of the jobs {@code caller} may see, newest first, narrowed by the optional filters. */
    @WithSession
    public Uni<Page> list(String caller, String submitter, String inputOwner, String pageSize, String pageToken) {
        int size = pageSize(pageSize);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            return Uni.createFrom().failure(ApiProblem.invalid("page-size: must be a whole number between 1 and "
                    + MAX_PAGE_SIZE));
        }
        JobListing.Position after;
        try {
            after = pageToken == null || pageToken.isEmpty() ? null : position(pageToken);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(ApiProblem.invalid("page-token: is not a token this API gave out"));
        }
        return listing.page(new JobListing.Filters(caller, submitter, inputOwner), after, size + 1)
                .chain(rows -> {
                    var page = rows.stream().limit(size).toList();
                    String next = rows.size() > size ? token(page.get(size - 1)) : "";
                    return accessed.of(page.stream().map(row -> row.id).toList()).map(documents -> new Page(
                            page.stream().map(row -> toJob(row, documents.getOrDefault(row.id, List.of()))).toList(),
                            next));
                });
    }

    private static int pageSize(String text) {
        try {
            return text == null || text.isEmpty() ? DEFAULT_PAGE_SIZE : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Uni<JobEntity> visible(String caller, String jobId) {
        return JobEntity.<JobEntity>findById(jobId).chain(row -> {
            if (row == null) {
                return Uni.createFrom().failure(ApiProblem.notFound("no job " + jobId));
            }
            if (row.submitter.equals(caller)) {
                return Uni.createFrom().item(row);
            }
            return accessed.readFrom(jobId, caller).map(owner -> {
                if (!owner) {
                    throw ApiProblem.notFound("no job " + jobId);
                }
                return row;
            });
        });
    }

    /** The keyset position after a job, opaque to clients: its creation time (microseconds) and id. */
    private static String token(JobEntity row) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, row.createdAt);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + ":" + row.id).getBytes(StandardCharsets.UTF_8));
    }

    private static JobListing.Position position(String token) {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return new JobListing.Position(Instant.EPOCH.plus(Long.parseLong(text.substring(0, colon)), ChronoUnit.MICROS),
                text.substring(colon + 1));
    }

    Job toJob(JobEntity row, List<String> accessedDocuments) {
        try {
            List<JobCompleted.OutputDocument> outputs = row.outputDocuments == null ? List.of()
                    : json.readValue(row.outputDocuments, OUTPUTS);
            return new Job(row.id, row.submitter, row.createdAt, json.readValue(row.spec, JobSpec.class),
                    row.status(), accessedDocuments, outputs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job is not JSON", e);
        }
    }
}
