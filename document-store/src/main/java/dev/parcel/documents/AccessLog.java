package dev.parcel.documents;

import dev.parcel.documents.persistence.AccessLogEntry;
import dev.parcel.events.DocumentAccessed;
import dev.parcel.events.Topics;
import dev.parcel.outbox.Outbox;
import dev.parcel.outbox.OutboxRelay;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;

/** The record of every successful read, for the owner's history and, as DocumentAccessed, for everyone else. */
@ApplicationScoped
public class AccessLog {
    private static final int MAX_PAGE_SIZE = 1000;

    private final Outbox outbox;
    private final OutboxRelay relay;

    AccessLog(Outbox outbox, OutboxRelay relay) {
        this.outbox = outbox;
        this.relay = relay;
    }

    public record AccessEvent(Instant createdAt, String document, String accessor) {
    }

    public record HistoryPage(List<AccessEvent> results, String nextPageToken) {
    }

    /** Records the read and its DocumentAccessed together; a read is only served once both are durable. */
    public Uni<Void> record(Documents.Document document, String accessor, String jobId) {
        var entry = new AccessLogEntry();
        entry.documentId = document.id();
        entry.owner = document.owner();
        entry.accessor = accessor;
        entry.jobId = jobId;
        entry.accessedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> entry.persist()
                .chain(() -> outbox.append(Topics.DOCUMENT_ACCESSED,
                        DocumentAccessed.of(document.id(), document.owner(), accessor, jobId))))
                .invoke(relay::publishSoon);
    }

    /** A page of a document's reads, newest first; the caller must already have been checked to be the owner. */
    public Uni<HistoryPage> history(String documentId, String accessor, Instant after, Instant before,
            Integer pageSize, String pageToken) {
        int size = pageSize == null ? 100 : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("page-size: must be between 1 and " + MAX_PAGE_SIZE);
        }
        var where = new StringBuilder("documentId = :document");
        var parameters = new HashMap<String, Object>();
        parameters.put("document", documentId);
        if (accessor != null) {
            where.append(" and accessor = :accessor");
            parameters.put("accessor", accessor);
        }
        if (after != null) {
            where.append(" and accessedAt > :after");
            parameters.put("after", after);
        }
        if (before != null) {
            where.append(" and accessedAt < :before");
            parameters.put("before", before);
        }
        if (pageToken != null && !pageToken.isEmpty()) {
            where.append(" and id < :position");
            parameters.put("position", position(pageToken));
        }
        return Panache.withSession(() -> AccessLogEntry.<AccessLogEntry>find(
                where + " order by id desc", parameters).page(0, size + 1).list()).map(rows -> {
                    var results = new ArrayList<AccessEvent>();
                    rows.stream().limit(size).forEach(row ->
                            results.add(new AccessEvent(row.accessedAt, row.documentId, row.accessor)));
                    String next = rows.size() > size ? token(rows.get(size - 1).id) : "";
                    return new HistoryPage(results, next);
                });
    }

    private static String token(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Long.toString(id).getBytes(StandardCharsets.UTF_8));
    }

    private static long position(String token) {
        try {
            return Long.parseLong(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ApiProblem.invalid("page-token: not a token this API gave out");
        }
    }
}
