package dev.parcel.events;

/**
 * Why a job's attempt ended, for programs: the status message says the same in words. Kubernetes's container
 * termination reasons, where they mean the same.
 */
public enum JobReason {
    /** The command exited with exit code 0. */
    Completed,
    /** The command exited with another exit code, or its outputs could not be kept. */
    Error,
    /** The kernel killed it for memory. */
    OOMKilled,
    /** It ran past its timeout, or the worker's maximum run time. */
    DeadlineExceeded,
    /** Its submitter terminated it. */
    Terminated,
    /** Its command never ran: its image, an input or the worker did not let it start. */
    NotStarted,
    /** Its worker stopped answering, and no attempt is left. */
    WorkerLost
}
