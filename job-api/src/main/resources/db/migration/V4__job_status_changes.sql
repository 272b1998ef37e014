-- Every status a job has had, numbered per job from 1 (Pending): what the events stream sends, and resends
-- after the number a reconnecting client last saw (Last-Event-ID).
ALTER TABLE jobs ADD COLUMN status_seq integer NOT NULL DEFAULT 1;

CREATE TABLE job_status_changes (
    job_id     text NOT NULL,
    seq        integer NOT NULL,
    phase      text NOT NULL,
    message    text,
    host       text,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, seq)
);

INSERT INTO job_status_changes (job_id, seq, phase, message, host, changed_at)
SELECT id, 1, phase, message, host, updated_at FROM jobs;
