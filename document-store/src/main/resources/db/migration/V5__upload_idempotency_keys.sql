-- An upload may name itself with an Idempotency-Key, so a repeat (an executor collecting a job's outputs again
-- after a crash) gets the document the first one made. Keys are the uploader's own: unique per creator.
ALTER TABLE documents ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX documents_by_idempotency_key ON documents (creator, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
