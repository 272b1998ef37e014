-- Jobs' logs (stdout and stderr), kept encrypted in the blob store like documents, in chunks the executor sends as
-- the job runs. A job keeps its newest parcel.storage.max-job-log-size bytes; older chunks are dropped and counted.
CREATE TABLE job_logs (
    job_id        text PRIMARY KEY,
    submitter     text NOT NULL,
    kept_bytes    bigint NOT NULL DEFAULT 0,
    dropped_bytes bigint NOT NULL DEFAULT 0
);

-- (attempt, chunk) orders a job's chunks; a chunk sent again (a retried request) is stored once.
CREATE TABLE job_log_chunks (
    job_id     text NOT NULL,
    attempt    integer NOT NULL,
    chunk      bigint NOT NULL,
    bytes      bigint NOT NULL,
    blob_id    text NOT NULL,
    written_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, attempt, chunk)
);

-- Who may read a job's logs depends on every document the job read.
CREATE INDEX access_log_by_job ON access_log (job_id) WHERE job_id IS NOT NULL;
