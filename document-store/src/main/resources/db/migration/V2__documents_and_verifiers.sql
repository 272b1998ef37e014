-- Token verifiers by (issuer, subject), so a bearer token finds its key in one lookup.
ALTER TABLE known_identities DROP COLUMN token_verifiers;
CREATE TABLE known_token_verifiers (
    issuer      text NOT NULL,
    subject     text NOT NULL,
    identity_id text NOT NULL REFERENCES known_identities (id),
    public_key  text NOT NULL,
    PRIMARY KEY (issuer, subject)
);

-- Document metadata; the bytes are in the blob store under the document's id.
CREATE TABLE documents (
    id              text PRIMARY KEY,
    creator         text NOT NULL,
    owner           text NOT NULL,
    title           text,
    tags            text NOT NULL,
    size            bigint NOT NULL,
    originating_job text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX documents_by_owner ON documents (owner, created_at DESC, id DESC);
