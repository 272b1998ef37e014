-- Every successful read of a document's content, for its owner's history.
CREATE TABLE access_log (
    id          bigserial PRIMARY KEY,
    document_id text NOT NULL,
    owner       text NOT NULL,
    accessor    text NOT NULL,
    job_id      text,
    accessed_at timestamptz NOT NULL
);
CREATE INDEX access_log_by_document ON access_log (document_id, accessed_at DESC, id DESC);

-- DocumentAccessed events written with the access they announce (the shared outbox module publishes them).
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    event_key  text NOT NULL,
    event_type text NOT NULL,
    payload    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
