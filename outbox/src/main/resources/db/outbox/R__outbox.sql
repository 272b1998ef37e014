-- The outbox, shared by every service that emits events (Flyway location db/outbox, beside the service's own
-- db/migration). A repeatable migration, not a versioned one: a version of its own would have to be ordered among
-- each service's versions, and a service's next version after it would be refused as out of order. Flyway runs it
-- again whenever it changes, so every statement here must be safe to repeat (IF NOT EXISTS, ADD COLUMN IF NOT
-- EXISTS).

-- Events written in the same transaction as the change they announce; the relay publishes and deletes them.
CREATE TABLE IF NOT EXISTS outbox (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    event_key  text NOT NULL,
    event_type text NOT NULL,
    payload    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Events the broker refused for good (too large, not serializable): set aside with the reason, so the rows behind
-- them are published. An operator reads them here; nothing retries them.
CREATE TABLE IF NOT EXISTS outbox_parked (
    id         bigint PRIMARY KEY,
    topic      text NOT NULL,
    event_key  text NOT NULL,
    event_type text NOT NULL,
    payload    text NOT NULL,
    created_at timestamptz NOT NULL,
    reason     text NOT NULL,
    parked_at  timestamptz NOT NULL DEFAULT now()
);

-- The W3C traceparent of the span that wrote the event (null: none), so the relay publishes it in that trace
-- rather than in its own; kept when a row is parked, for whoever looks into it.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent text;
ALTER TABLE outbox_parked ADD COLUMN IF NOT EXISTS traceparent text;
