package dev.parcel.documents;

import dev.parcel.documents.domain.AccessContext;
import dev.parcel.documents.domain.AccessDecision;
import dev.parcel.documents.domain.ConditionParser;
import dev.parcel.documents.domain.Grant;
import dev.parcel.documents.domain.GrantCondition;
import dev.parcel.documents.domain.InvalidCondition;
import dev.parcel.documents.persistence.DocumentEntity;
import dev.parcel.events.JobSpec;
import dev.parcel.tokens.JobTokens;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parcel's document search. With {@code accessibleInContext}, the documents the caller could read in that context
 * (directly, or from a job of the given spec) that the condition, if any, also selects. Without it, the caller's
 * own documents that a grant with the condition would select: a dry run of a grant. A job's token searches in its
 * own job's context, whatever the request says. Either way it answers for this moment, by the server's clock: an
 * {@code accessTime} in the request is ignored, so an expired grant never lists anything. Candidates are read from
 * the database a batch at a time, newest first, until the page is full or {@link #MAX_BATCHES_PER_PAGE} batches were
 * read (then the page may be short, and its token goes on from there).
 */
@ApplicationScoped
public class DocumentSearch {
    private static final int MAX_PAGE_SIZE = 1000;
    /** Candidates read per query: a page's worth usually, and never all of them at once. */
    private static final int BATCH = 500;
    /**
     * Candidates one request reads at most: past them it answers the page so far (maybe short, maybe empty) and a
     * token to go on from, so a search that selects little among many documents costs each request a bounded amount.
     */
    static final int MAX_BATCHES_PER_PAGE = 20;

    private final Documents documents;
    private final Grants grants;

    DocumentSearch(Documents documents, Grants grants) {
        this.documents = documents;
        this.grants = grants;
    }

    /**
     * The context to search in; only the caller may be its accessor (anything else would reveal others' access).
     * {@code accessTime} is accepted for the client's sake and ignored.
     */
    public record Context(String accessor, JobSpec job, Instant accessTime) {
    }

    public record DocumentPage(List<Documents.Document> results, String nextPageToken) {
    }

    /** One search as it goes through the candidates. */
    private record Scan(String caller, boolean inContext, Optional<AccessContext.JobFacts> job,
            GrantCondition condition, int size, Instant now, Map<String, List<Grant>> grantsOf,
            List<Documents.Document> results, AtomicInteger batchesRead) {
    }

    public Uni<DocumentPage> search(String caller, Optional<JobTokens.JobClaims> callingJob,
            Object selectedByCondition, Context context, Integer pageSize, String pageToken) {
        int size = pageSize == null ? 100 : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("pageSize: must be between 1 and " + MAX_PAGE_SIZE);
        }
        if (context != null && context.accessor() != null && !context.accessor().equals(caller)) {
            throw ApiProblem.forbidden("accessibleInContext.accessor: you can only search as yourself");
        }
        Optional<AccessContext.JobFacts> job = callingJob.map(DocumentSearch::factsOf)
                .or(() -> Optional.ofNullable(context).map(Context::job).map(DocumentSearch::factsOf));
        var scan = new Scan(caller, context != null || callingJob.isPresent(), job, parse(selectedByCondition), size,
                Instant.now(), new HashMap<>(), new ArrayList<>(), new AtomicInteger());
        Position after = pageToken == null || pageToken.isEmpty() ? null : position(pageToken);
        return collect(scan, after);
    }

    private Uni<DocumentPage> collect(Scan scan, Position after) {
        return candidates(scan.caller(), scan.inContext(), after)
                .call(rows -> grantsFor(scan, rows))
                .chain(rows -> {
                    for (DocumentEntity row : rows) {
                        Documents.Document document = documents.toDocument(row);
                        if (included(scan, document)) {
                            if (scan.results().size() == scan.size()) {
                                var last = scan.results().get(scan.size() - 1);
                                return Uni.createFrom().item(new DocumentPage(scan.results(), token(last)));
                            }
                            scan.results().add(document);
                        }
                    }
                    if (rows.size() < BATCH) {
                        return Uni.createFrom().item(new DocumentPage(scan.results(), ""));
                    }
                    var last = new Position(rows.get(rows.size() - 1).createdAt, rows.get(rows.size() - 1).id);
                    if (scan.batchesRead().incrementAndGet() == MAX_BATCHES_PER_PAGE) {
                        return Uni.createFrom().item(new DocumentPage(scan.results(), token(last)));
                    }
                    return collect(scan, last);
                });
    }

    private static boolean included(Scan scan, Documents.Document document) {
        AccessContext access = contextFor(document, scan);
        boolean selected = scan.condition() == null || scan.condition().holdsFor(access);
        return scan.inContext()
                ? selected && AccessDecision.mayRead(access, scan.grantsOf().getOrDefault(document.owner(), List.of()))
                : document.owner().equals(scan.caller()) && selected;
    }

    /** Where a page ended, in the newest-first order: the last document served. */
    private record Position(Instant createdAt, String id) {
    }

    private Uni<List<DocumentEntity>> candidates(String caller, boolean includeGrantedToCaller, Position after) {
        String owners = includeGrantedToCaller
                ? "(owner = ?1 or owner in (select g.granter from GrantEntity g where g.grantee in (?1, 'everyone')))"
                : "owner = ?1";
        String order = " order by createdAt desc, id desc";
        return Panache.withSession(() -> (after == null
                ? DocumentEntity.<DocumentEntity>find(owners + order, caller)
                : DocumentEntity.<DocumentEntity>find(owners + " and (createdAt < ?2 or (createdAt = ?2 and id < ?3))"
                        + order, caller, after.createdAt(), after.id()))
                .page(0, BATCH).list());
    }

    /** The grants of each owner among {@code rows} not asked for yet in this search. */
    private Uni<Void> grantsFor(Scan scan, List<DocumentEntity> rows) {
        var owners = new LinkedHashSet<String>();
        rows.forEach(row -> owners.add(row.owner));
        owners.remove(scan.caller());
        owners.removeAll(scan.grantsOf().keySet());
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String owner : owners) {
            all = all.chain(() -> grants.applicable(owner, scan.caller()).invoke(found ->
                    scan.grantsOf().put(owner, found))).replaceWithVoid();
        }
        return all;
    }

    private static AccessContext contextFor(Documents.Document document, Scan scan) {
        var facts = new AccessContext.DocumentFacts(document.id(), document.creator(), document.owner(),
                document.details().title(), new HashSet<>(document.details().tags()), document.originatingJob());
        return scan.job().map(job -> AccessContext.jobRead(facts, scan.caller(), job, scan.now()))
                .orElseGet(() -> AccessContext.directRead(facts, scan.caller(), scan.now()));
    }

    private static AccessContext.JobFacts factsOf(JobTokens.JobClaims job) {
        return new AccessContext.JobFacts(job.jobId(), job.image(), job.inputs(), job.outputs(), job.workerId());
    }

    /** A spec named in the request: what it says, leaving out what it leaves out. */
    private static AccessContext.JobFacts factsOf(JobSpec job) {
        return new AccessContext.JobFacts(null, job.image(),
                job.inputDocuments() == null ? List.of() : job.inputDocuments().stream().filter(Objects::nonNull)
                        .map(input -> present(Map.of("id", Optional.ofNullable(input.id()),
                                "mountPath", Optional.ofNullable(input.mountPath())))).toList(),
                job.outputDocuments() == null ? List.of() : job.outputDocuments().stream().filter(Objects::nonNull)
                        .map(output -> present(Map.of("mountPath", Optional.ofNullable(output.mountPath()),
                                "owner", Optional.ofNullable(output.owner())))).toList(),
                null);
    }

    private static Map<String, Object> present(Map<String, Optional<String>> fields) {
        var present = new HashMap<String, Object>();
        fields.forEach((name, value) -> value.ifPresent(v -> present.put(name, v)));
        return present;
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
        return token(new Position(last.createdAt(), last.id()));
    }

    private static String token(Position last) {
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
