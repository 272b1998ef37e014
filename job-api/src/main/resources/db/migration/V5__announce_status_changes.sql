-- Each recorded status change is announced on the channel every job-api replica listens on (StatusChanges'
-- CHANNEL), delivered when its transaction commits. Done here, the announcement costs the recording transaction
-- no statement of its own; a replayed change that inserts nothing announces nothing.
CREATE FUNCTION announce_job_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('parcel_job_status', NEW.job_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER job_status_change_announced AFTER INSERT ON job_status_changes
    FOR EACH ROW EXECUTE FUNCTION announce_job_status_change();
