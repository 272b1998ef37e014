package dev.parcel.events;

/** The phases of a job, in the only order a job may move through them. */
public enum JobPhase {
    Pending,
    Running,
    Succeeded,
    Failed;

    public boolean isTerminal() {
        return this == Succeeded || this == Failed;
    }
}
