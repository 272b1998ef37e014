-- Attempts whose worker was lost, so a job that runs out of attempts can name every worker it lost.
CREATE TABLE lost_attempts (
    job_id    text NOT NULL,
    attempt   integer NOT NULL,
    worker_id text NOT NULL,
    lost_at   timestamptz NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

-- Terminations requested while the job was placed. Its worker ends it; if the worker is lost first, the
-- scheduler does. Apart from queued_jobs, so placement rounds never read them.
CREATE TABLE termination_requests (
    job_id       text PRIMARY KEY,
    requested_at timestamptz NOT NULL
);
