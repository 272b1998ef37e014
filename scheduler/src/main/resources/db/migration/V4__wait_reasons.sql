-- Why a queued job waits, as its submitter was last told (without its place in the queue): a round tells again
-- only when the reason changes.
ALTER TABLE queued_jobs ADD COLUMN wait_reason text;
