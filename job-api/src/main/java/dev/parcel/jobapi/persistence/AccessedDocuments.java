package dev.parcel.jobapi.persistence;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Which documents each job read, and whose they were. Recording a read twice changes nothing. */
@ApplicationScoped
public class AccessedDocuments {

    public Uni<Void> record(String jobId, String documentId, String owner, Instant accessedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO job_accessed_documents (job_id, document_id, owner, first_accessed_at)
                VALUES (?1, ?2, ?3, ?4) ON CONFLICT (job_id, document_id) DO NOTHING""")
                .setParameter(1, jobId)
                .setParameter(2, documentId)
                .setParameter(3, owner)
                .setParameter(4, accessedAt)
                .executeUpdate()).replaceWithVoid();
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
