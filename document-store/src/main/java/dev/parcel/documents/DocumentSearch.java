package dev.parcel.documents;

import dev.parcel.documents.domain.AccessContext;
import dev.parcel.documents.domain.AccessDecision;
import dev.parcel.documents.domain.ConditionParser;
import dev.parcel.documents.domain.Grant;
import dev.parcel.documents.domain.GrantCondition;
import dev.parcel.documents.domain.InvalidCondition;
import dev.parcel.documents.persistence.DocumentEntity;
import dev.parcel.events.JobSpec;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Parcel's document search. With {@code accessibleInContext}, the documents the caller could read in that context
 * (directly, or from a job of the given spec) that the condition, if any, also selects. Without it, the caller's
 * own documents that a grant with the condition would select: a dry run of a grant.
 */
@ApplicationScoped
public class DocumentSearch {
    private static final int MAX_PAGE_SIZE = 1000;

    private final Documents documents;
    private final Grants grants;

    DocumentSearch(Documents documents, Grants grants) {
        this.documents = documents;
        this.grants = grants;
    }

    /** The context to search in; only the caller may be its accessor (anything else would reveal others' access). */
    public record Context(String accessor, JobSpec job, Instant accessTime) {
    }

    public record DocumentPage(List<Documents.Document> results, String nextPageToken) {
    }

    public Uni<DocumentPage> search(String caller, Object selectedByCondition, Context context, Integer pageSize,
            String pageToken) {
        int size = pageSize == null ? 100 : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("pageSize: must be between 1 and " + MAX_PAGE_SIZE);
        }
        if (context != null && context.accessor() != null && !context.accessor().equals(caller)) {
            throw ApiProblem.forbidden("accessibleInContext.accessor: you can only search as yourself");
        }
        GrantCondition condition = parse(selectedByCondition);
        Position after = pageToken == null || pageToken.isEmpty() ? null : position(pageToken);
        return candidates(caller, context != null).chain(rows -> grantsByOwner(caller, rows).map(grantsOf -> {
            var results = new ArrayList<Documents.Document>();
            boolean more = false;
            for (DocumentEntity row : rows) {
                if (after != null && !after.isBefore(row)) {
                    continue;
                }
                Documents.Document document = documents.toDocument(row);
                AccessContext access = contextFor(document, caller, context);
                boolean selected = condition == null || condition.holdsFor(access);
                boolean included = context == null
                        ? document.owner().equals(caller) && selected
                        : selected && AccessDecision.mayRead(access, grantsOf.getOrDefault(document.owner(), List.of()));
                if (included) {
                    if (results.size() == size) {
                        more = true;
                        break;
                    }
                    results.add(document);
                }
            }
            String next = more ? token(results.get(results.size() - 1)) : "";
            return new DocumentPage(results, next);
        }));
    }

    /** Where a page ended, in the newest-first order: the last document served. */
    private record Position(Instant createdAt, String id) {
        /** Whether {@code row} comes after this position in the order, so belongs to a later page. */
        boolean isBefore(DocumentEntity row) {
            int byTime = row.createdAt.compareTo(createdAt);
            return byTime < 0 || byTime == 0 && row.id.compareTo(id) < 0;
        }
    }

    private Uni<List<DocumentEntity>> candidates(String caller, boolean includeGrantedToCaller) {
        String query = includeGrantedToCaller
                ? "owner = ?1 or owner in (select g.granter from GrantEntity g where g.grantee in (?1, 'everyone'))"
                : "owner = ?1";
        return Panache.withSession(() -> DocumentEntity.<DocumentEntity>list(
                query + " order by createdAt desc, id desc", caller));
    }

    private Uni<Map<String, List<Grant>>> grantsByOwner(String caller, List<DocumentEntity> rows) {
        var owners = new HashSet<String>();
        rows.forEach(row -> owners.add(row.owner));
        owners.remove(caller);
        Uni<Map<String, List<Grant>>> all = Uni.createFrom().item(new java.util.HashMap<>());
        for (String owner : owners) {
            all = all.chain(map -> grants.applicable(owner, caller).map(found -> {
                map.put(owner, found);
                return map;
            }));
        }
        return all;
    }

    private static AccessContext contextFor(Documents.Document document, String caller, Context context) {
        var facts = new AccessContext.DocumentFacts(document.id(), document.creator(), document.owner(),
                document.details().title(), new HashSet<>(document.details().tags()), document.originatingJob());
        Instant at = context == null || context.accessTime() == null ? Instant.now() : context.accessTime();
        JobSpec job = context == null ? null : context.job();
        if (job == null) {
            return AccessContext.directRead(facts, caller, at);
        }
        return AccessContext.jobRead(facts, caller, new AccessContext.JobFacts(null, job.image(),
                job.inputDocuments() == null ? List.of() : job.inputDocuments().stream()
                        .map(input -> Map.<String, Object>of("id", input.id(), "mountPath", input.mountPath()))
                        .toList(),
                job.outputDocuments() == null ? List.of() : job.outputDocuments().stream()
                        .map(output -> output.owner() == null
                                ? Map.<String, Object>of("mountPath", output.mountPath())
                                : Map.<String, Object>of("mountPath", output.mountPath(), "owner", output.owner()))
                        .toList(),
                null), at);
    }

    private static GrantCondition parse(Object condition) {
        if (condition == null) {
            return null;
        }
        try {
            return ConditionParser.parse(condition);
        } catch (InvalidCondition invalid) {
            throw ApiProblem.invalid("selectedByCondition: " + invalid.getMessage());
        }
    }

    private static String token(Documents.Document last) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static Position position(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            return new Position(Instant.parse(parts[0]), parts[1]);
        } catch (RuntimeException e) {
            throw ApiProblem.invalid("pageToken: not a token this API gave out");
        }
    }
}
