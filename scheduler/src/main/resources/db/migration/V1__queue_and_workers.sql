-- The queue: one row per job, from submission until its attempt completes.
CREATE TABLE queued_jobs (
    job_id                 text PRIMARY KEY,
    submitter              text NOT NULL,
    spec                   text NOT NULL,
    requested_cpus         double precision NOT NULL,
    requested_memory_bytes bigint NOT NULL,
    state                  text NOT NULL,
    attempt                integer NOT NULL DEFAULT 0,
    worker_id              text,
    granted_cpus           double precision,
    granted_memory_bytes   bigint,
    submitted_at           timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX queued_jobs_waiting ON queued_jobs (submitted_at) WHERE state = 'QUEUED';
CREATE INDEX queued_jobs_placed ON queued_jobs (worker_id) WHERE state = 'SCHEDULED';

-- The workers' latest heartbeats: what each offers in total and per job.
CREATE TABLE workers (
    id                       text PRIMARY KEY,
    cpus                     double precision NOT NULL,
    memory_bytes             bigint NOT NULL,
    max_cpus_per_job         double precision NOT NULL,
    max_memory_bytes_per_job bigint NOT NULL,
    last_heartbeat           timestamptz NOT NULL
);
