-- What a program reads of a job's status besides its phase and message (issue 13): the exit code, the reason it
-- ended, when its command started and ended; the history keeps them, and the attempt, for the events stream.
ALTER TABLE jobs ADD COLUMN exit_code integer;
ALTER TABLE jobs ADD COLUMN reason text;
ALTER TABLE jobs ADD COLUMN started_at timestamptz;
ALTER TABLE jobs ADD COLUMN finished_at timestamptz;

ALTER TABLE job_status_changes ADD COLUMN attempt integer NOT NULL DEFAULT 0;
ALTER TABLE job_status_changes ADD COLUMN exit_code integer;
ALTER TABLE job_status_changes ADD COLUMN reason text;
ALTER TABLE job_status_changes ADD COLUMN started_at timestamptz;
ALTER TABLE job_status_changes ADD COLUMN finished_at timestamptz;
