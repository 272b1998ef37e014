package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The jobs a caller may list, newest first, one keyset page at a time: the jobs it submitted, and the jobs that
 * read documents it owns, narrowed by the submitter and input-owner filters. Each half is an index range scan
 * (jobs by submitter; job_input_owners by owner), limited to the page before they are merged, so a page costs the
 * same at any table size and any depth.
 */
@ApplicationScoped
public class JobListing {

    /** Where a page starts: strictly after this job, in newest-first order. */
    public record Position(Instant createdAt, String jobId) {
    }

    public record Filters(String caller, String submitter, String inputOwner) {
    }

    /** Up to {@code limit} jobs after {@code after} (or from the newest), newest first. */
    public Uni<List<JobEntity>> page(Filters filters, Position after, int limit) {
        var parameters = new ArrayList<Object>();
        var halves = new ArrayList<String>();
        if (filters.submitter() == null || filters.submitter().equals(filters.caller())) {
            halves.add(submittedByCaller(filters, after, limit, parameters));
        }
        halves.add(readFromCaller(filters, after, limit, parameters));
        String sql = "SELECT j.* FROM jobs j JOIN (" + String.join(" UNION ", halves) + ") page ON page.id = j.id"
                + " ORDER BY j.created_at DESC, j.id DESC LIMIT " + limit;
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, JobEntity.class);
            for (int i = 0; i < parameters.size(); i++) {
                query.setParameter(i + 1, parameters.get(i));
            }
            return query.getResultList();
        });
    }

    private static String submittedByCaller(Filters filters, Position after, int limit, List<Object> parameters) {
        var sql = new StringBuilder("(SELECT s.id FROM jobs s WHERE s.submitter = ").append(bind(parameters,
                filters.caller()));
        if (filters.inputOwner() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM job_input_owners io WHERE io.job_id = s.id AND io.owner = ")
                    .append(bind(parameters, filters.inputOwner())).append(')');
        }
        if (after != null) {
            sql.append(" AND (s.created_at, s.id) < (").append(bind(parameters, after.createdAt())).append(", ")
                    .append(bind(parameters, after.jobId())).append(')');
        }
        return sql.append(" ORDER BY s.created_at DESC, s.id DESC LIMIT ").append(limit).append(')').toString();
    }

    private static String readFromCaller(Filters filters, Position after, int limit, List<Object> parameters) {
        var sql = new StringBuilder("(SELECT o.job_id AS id FROM job_input_owners o");
        if (filters.submitter() != null) {
            sql.append(" JOIN jobs r ON r.id = o.job_id AND r.submitter = ").append(bind(parameters,
                    filters.submitter()));
        }
        sql.append(" WHERE o.owner = ").append(bind(parameters, filters.caller()));
        if (filters.inputOwner() != null && !filters.inputOwner().equals(filters.caller())) {
            sql.append(" AND EXISTS (SELECT 1 FROM job_input_owners io WHERE io.job_id = o.job_id AND io.owner = ")
                    .append(bind(parameters, filters.inputOwner())).append(')');
        }
        if (after != null) {
            sql.append(" AND (o.job_created_at, o.job_id) < (").append(bind(parameters, after.createdAt()))
                    .append(", ").append(bind(parameters, after.jobId())).append(')');
        }
        return sql.append(" ORDER BY o.job_created_at DESC, o.job_id DESC LIMIT ").append(limit).append(')')
                .toString();
    }

    /** Adds a parameter and returns its placeholder; values are never written into the SQL text. */
    private static String bind(List<Object> parameters, Object value) {
        parameters.add(value);
        return "?" + parameters.size();
    }
}
