-- The job's io: the documents made from its outputs (JSON [{id, mountPath}], from JobCompleted) ...
ALTER TABLE jobs ADD COLUMN output_documents text;

-- ... and every document it read (from DocumentAccessed with its job id), with the document's owner, so an owner can
-- find the jobs that touched their data.
CREATE TABLE job_accessed_documents (
    job_id           text NOT NULL,
    document_id      text NOT NULL,
    owner            text NOT NULL,
    first_accessed_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, document_id)
);
CREATE INDEX job_accessed_documents_by_owner ON job_accessed_documents (owner, job_id);
