package dev.parcel.documents.domain;

/** A grant condition that cannot be parsed; the message names where and why, for a 400. */
public final class InvalidCondition extends RuntimeException {
    public InvalidCondition(String path, String problem) {
        super("condition" + path + ": " + problem, null, false, false);
    }
}
