package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which documents each job read, and whose they were. Recording a read twice changes nothing. */
@ApplicationScoped
public class AccessedDocuments {

    /** Records the read, and the document's owner among the job's input owners. */
    public Uni<Void> record(String jobId, String documentId, String owner, Instant accessedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO job_accessed_documents (job_id, document_id, owner, first_accessed_at)
                VALUES (?1, ?2, ?3, ?4) ON CONFLICT (job_id, document_id) DO NOTHING""")
                .setParameter(1, jobId)
                .setParameter(2, documentId)
                .setParameter(3, owner)
                .setParameter(4, accessedAt)
                .executeUpdate()
                .chain(() -> session.createNativeQuery("""
                        INSERT INTO job_input_owners (owner, job_id, job_created_at)
                        SELECT ?1, id, created_at FROM jobs WHERE id = ?2
                        ON CONFLICT (owner, job_id) DO NOTHING""")
                        .setParameter(1, owner)
                        .setParameter(2, jobId)
                        .executeUpdate())).replaceWithVoid();
    }

    /** The documents each of these jobs read, in the order it first read them. */
    public Uni<Map<String, List<String>>> of(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT job_id, document_id FROM job_accessed_documents WHERE job_id IN (?1)
                ORDER BY first_accessed_at, document_id""", Object[].class)
                .setParameter(1, jobIds)
                .getResultList())
                .map(rows -> {
                    var byJob = new HashMap<String, List<String>>();
                    rows.forEach(row -> byJob.computeIfAbsent((String) row[0], id -> new ArrayList<>())
                            .add((String) row[1]));
                    return byJob;
                });
    }

    /** Whether the job read a document {@code owner} owns: such an owner may see the job. */
    public Uni<Boolean> readFrom(String jobId, String owner) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT count(*) FROM job_input_owners WHERE owner = ?1 AND job_id = ?2""", Long.class)
                .setParameter(1, owner)
                .setParameter(2, jobId)
                .getSingleResult()).map(count -> count > 0);
    }

    /** The documents a job read, in the order it first read them. */
    public Uni<List<String>> of(String jobId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT document_id FROM job_accessed_documents WHERE job_id = ?1
                ORDER BY first_accessed_at, document_id""", String.class)
                .setParameter(1, jobId)
                .getResultList());
    }
}
