-- Identities learned from IdentityRegistered, so this service can verify self-issued tokens itself.
CREATE TABLE known_identities (
    id              text PRIMARY KEY,
    token_verifiers text NOT NULL,
    registered_at   timestamptz NOT NULL
);
