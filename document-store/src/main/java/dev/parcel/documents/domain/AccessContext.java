package dev.parcel.documents.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Everything a condition may look at when one identity reads one document. */
public record AccessContext(DocumentFacts document, String accessor, Optional<JobFacts> job, Instant accessTime) {

    /** The document being read. {@code originatingJob} is null for an uploaded document. */
    public record DocumentFacts(String id, String creator, String owner, String title, Set<String> tags,
            String originatingJob) {
    }

    /**
     * The job reading it, when the read is a job's (made with a job token). Inputs and outputs are the spec's
     * entries as JSON objects ({@code {id, mountPath}} and {@code {mountPath, owner?}}).
     */
    public record JobFacts(String jobId, String image, List<Map<String, Object>> inputs,
            List<Map<String, Object>> outputs, String workerId) {
    }

    public static AccessContext directRead(DocumentFacts document, String accessor, Instant at) {
        return new AccessContext(document, accessor, Optional.empty(), at);
    }

    public static AccessContext jobRead(DocumentFacts document, String accessor, JobFacts job, Instant at) {
        return new AccessContext(document, accessor, Optional.of(job), at);
    }
}
