package dev.parcel.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.documents.domain.ConditionParser;
import dev.parcel.documents.domain.Grant;
import dev.parcel.documents.domain.InvalidCondition;
import dev.parcel.documents.persistence.GrantEntity;
import dev.parcel.documents.persistence.KnownIdentities;
import dev.parcel.events.ResourceIds;
import dev.parcel.web.ApiProblem;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Creating, reading, listing and revoking grants; and the grants that decide a read. */
@ApplicationScoped
public class Grants {
    private static final Set<String> CAPABILITIES = Set.of("read", "read extend");
    private static final int MAX_PAGE_SIZE = 1000;

    private final KnownIdentities identities;
    private final ObjectMapper json;

    Grants(KnownIdentities identities, ObjectMapper json) {
        this.identities = identities;
        this.json = json;
    }

    /** A grant as the API shows it; {@code condition} is the JSON the granter sent. */
    public record GrantRecord(String id, Instant createdAt, String granter, String grantee, Object condition,
            String capabilities) {
    }

    public record GrantPage(List<GrantRecord> results, String nextPageToken) {
    }

    public Uni<GrantRecord> create(String granter, String grantee, Object condition, String capabilities) {
        if (grantee == null || grantee.isBlank()) {
            throw ApiProblem.invalid("grantee: required, an identity id or \"everyone\"");
        }
        String granted = capabilities == null ? "read" : capabilities.trim();
        if (!CAPABILITIES.contains(granted)) {
            throw ApiProblem.invalid("capabilities: must be \"read\" or \"read extend\"");
        }
        if (condition != null) {
            try {
                ConditionParser.parse(condition);
            } catch (InvalidCondition invalid) {
                throw ApiProblem.invalid(invalid.getMessage());
            }
        }
        var row = new GrantEntity();
        row.id = ResourceIds.newGrantId();
        row.granter = granter;
        row.grantee = grantee;
        row.condition = condition == null ? null : write(condition);
        row.capabilities = granted;
        row.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Uni<Boolean> granteeExists = Grant.EVERYONE.equals(grantee) ? Uni.createFrom().item(true)
                : identities.exists(grantee);
        return granteeExists.invoke(exists -> {
            if (!exists) {
                throw ApiProblem.invalid("grantee: no identity " + grantee);
            }
        }).chain(() -> Panache.withTransaction(row::persist)).map(ignored -> toRecord(row));
    }

    /** The grant, for its granter or grantee; for anyone else the same 404 as for none. */
    public Uni<GrantRecord> find(String caller, String grantId) {
        return Panache.withSession(() -> GrantEntity.<GrantEntity>findById(grantId)).map(row -> {
            if (row == null || !(row.granter.equals(caller) || row.grantee.equals(caller))) {
                throw ApiProblem.notFound("no grant " + grantId);
            }
            return toRecord(row);
        });
    }

    /** Revokes a grant; only its granter may. */
    public Uni<Void> revoke(String caller, String grantId) {
        return Panache.withTransaction(() -> GrantEntity.<GrantEntity>findById(grantId).chain(row -> {
            if (row == null || !row.granter.equals(caller)) {
                return Uni.createFrom().failure(ApiProblem.notFound("no grant " + grantId));
            }
            return row.delete();
        }));
    }

    /** The grants the caller gave or received, newest first, filtered, a keyset page at a time. */
    public Uni<GrantPage> list(String caller, String granter, String grantee, Integer pageSize, String pageToken) {
        int size = pageSize == null ? 100 : pageSize;
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiProblem.invalid("page-size: must be between 1 and " + MAX_PAGE_SIZE);
        }
        var where = new StringBuilder("(granter = :caller or grantee = :caller)");
        var parameters = new java.util.HashMap<String, Object>();
        parameters.put("caller", caller);
        if (granter != null) {
            where.append(" and granter = :granter");
            parameters.put("granter", granter);
        }
        if (grantee != null) {
            where.append(" and grantee = :grantee");
            parameters.put("grantee", grantee);
        }
        if (pageToken != null && !pageToken.isEmpty()) {
            String[] position = position(pageToken);
            where.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            parameters.put("at", Instant.parse(position[0]));
            parameters.put("id", position[1]);
        }
        return Panache.withSession(() -> GrantEntity.<GrantEntity>find(where + " order by createdAt desc, id desc",
                parameters).page(0, size + 1).list()).map(rows -> {
                    var results = new ArrayList<GrantRecord>();
                    rows.stream().limit(size).forEach(row -> results.add(toRecord(row)));
                    String next = rows.size() > size ? token(rows.get(size - 1)) : "";
                    return new GrantPage(results, next);
                });
    }

    /** The grants that could let {@code reader} read {@code owner}'s documents, with their conditions parsed. */
    public Uni<List<Grant>> applicable(String owner, String reader) {
        return Panache.withSession(() -> GrantEntity.from(owner, reader)).map(rows -> rows.stream()
                .map(row -> new Grant(row.id, row.granter, row.grantee,
                        row.condition == null ? null : ConditionParser.parse(read(row.condition))))
                .toList());
    }

    private GrantRecord toRecord(GrantEntity row) {
        return new GrantRecord(row.id, row.createdAt, row.granter, row.grantee,
                row.condition == null ? null : read(row.condition), row.capabilities);
    }

    private static String token(GrantEntity last) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((last.createdAt + "|" + last.id).getBytes(StandardCharsets.UTF_8));
    }

    private static String[] position(String token) {
        try {
            String[] position = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            Instant.parse(position[0]);
            if (position.length != 2) {
                throw new IllegalArgumentException();
            }
            return position;
        } catch (RuntimeException e) {
            throw ApiProblem.invalid("page-token: not a token this API gave out");
        }
    }

    private Object read(String text) {
        try {
            return json.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored condition is not JSON", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw ApiProblem.invalid("condition: not serializable");
        }
    }
}
