package dev.parcel.inbox;

/**
 * A record that no retry can make processable: it does not decode, its version is unknown here, or it breaks a rule
 * of its event. It goes to its topic's dead-letter topic, and the consumer moves on.
 */
public class UnprocessableEvent extends RuntimeException {
    public UnprocessableEvent(String reason) {
        super(reason, null, false, false);
    }
}
