CREATE TABLE identities (
    id         text PRIMARY KEY,
    created_at timestamptz NOT NULL
);

-- An (issuer, subject) pair belongs to one identity only: it is how a token finds its key.
CREATE TABLE token_verifiers (
    id          bigserial PRIMARY KEY,
    identity_id text NOT NULL REFERENCES identities (id),
    issuer      text NOT NULL,
    subject     text NOT NULL,
    public_key  text NOT NULL,
    CONSTRAINT token_verifiers_issuer_subject UNIQUE (issuer, subject)
);
CREATE INDEX token_verifiers_by_identity ON token_verifiers (identity_id);

-- The jobs read model: written at submission, then moved forward by the workers' events.
CREATE TABLE jobs (
    id         text PRIMARY KEY,
    submitter  text NOT NULL,
    created_at timestamptz NOT NULL,
    spec       text NOT NULL,
    phase      text NOT NULL,
    message    text,
    host       text,
    attempt    integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
);
CREATE INDEX jobs_by_submitter ON jobs (submitter, created_at DESC, id DESC);

-- Ids of the events the read model has applied, so a replayed event changes nothing.
CREATE TABLE processed_events (
    event_id     uuid PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
