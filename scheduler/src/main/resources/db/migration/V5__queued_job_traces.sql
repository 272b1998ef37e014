-- The W3C traceparent its JobSubmitted arrived with (null: none), so the round that places the job, which places
-- many at once outside any job's trace, can still put the placement in the job's own trace.
ALTER TABLE queued_jobs ADD COLUMN traceparent text;
