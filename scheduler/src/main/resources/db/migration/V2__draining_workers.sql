-- A draining worker is stopping: it keeps the jobs placed on it, but no new ones are placed there.
ALTER TABLE workers ADD COLUMN draining boolean NOT NULL DEFAULT false;
-- From now on last_heartbeat is when the scheduler received the heartbeat, by its own clock, not the worker's.
