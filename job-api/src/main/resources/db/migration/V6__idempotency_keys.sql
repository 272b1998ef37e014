-- The Idempotency-Key of each job submitted with one: a repeat of the key by the same submitter gets that job instead
-- of a new one. Written in the transaction that writes the job, so a key never names a job that was not stored; the
-- primary key makes concurrent requests with one key wait for the first to commit, and then agree on its job.
CREATE TABLE idempotency_keys (
    submitter       text NOT NULL,
    idempotency_key text NOT NULL,
    -- SHA-256 (hex) of the spec's canonical JSON: the same key with another spec is refused.
    fingerprint     text NOT NULL,
    job_id          text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (submitter, idempotency_key)
);
-- For deleting the expired ones.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
