-- Grants: the granter lets the grantee (an identity id, or 'everyone') read the granter's documents while the
-- condition (JSON, as the client sent it; null for always) holds.
CREATE TABLE grants (
    id           text PRIMARY KEY,
    granter      text NOT NULL,
    grantee      text NOT NULL,
    condition    text,
    capabilities text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX grants_by_granter ON grants (granter, created_at DESC, id DESC);
CREATE INDEX grants_by_grantee ON grants (grantee, created_at DESC, id DESC);
