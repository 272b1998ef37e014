-- Per job, the owners of the documents it read, with the job's creation time: what lists a job to the owners of
-- its inputs (visibility and the input-owner filter), newest first, by an index range scan at any size.
CREATE TABLE job_input_owners (
    owner          text NOT NULL,
    job_id         text NOT NULL,
    job_created_at timestamptz NOT NULL,
    PRIMARY KEY (owner, job_id)
);
CREATE INDEX job_input_owners_newest_first ON job_input_owners (owner, job_created_at DESC, job_id DESC);
CREATE INDEX job_input_owners_by_job ON job_input_owners (job_id);

INSERT INTO job_input_owners (owner, job_id, job_created_at)
SELECT DISTINCT a.owner, a.job_id, j.created_at
FROM job_accessed_documents a JOIN jobs j ON j.id = a.job_id;

-- Superseded by job_input_owners.
DROP INDEX job_accessed_documents_by_owner;
