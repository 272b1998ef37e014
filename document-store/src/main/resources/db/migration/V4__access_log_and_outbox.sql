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
