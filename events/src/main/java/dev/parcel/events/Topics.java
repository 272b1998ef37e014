package dev.parcel.events;

/** Topic names, one event type per topic, named {@code parcel.<aggregate>.<event>}. */
public final class Topics {
    public static final String IDENTITY_REGISTERED = "parcel.identities.registered";
    public static final String JOB_SUBMITTED = "parcel.jobs.submitted";
    public static final String JOB_SCHEDULED = "parcel.jobs.scheduled";
    public static final String JOB_STATUS_REPORTED = "parcel.jobs.status-reported";
    public static final String JOB_COMPLETED = "parcel.jobs.completed";
    public static final String JOB_TERMINATION_REQUESTED = "parcel.jobs.termination-requested";
    public static final String WORKER_HEARTBEAT = "parcel.workers.heartbeat";
    public static final String DOCUMENT_ACCESSED = "parcel.documents.accessed";

    private Topics() {
    }
}
