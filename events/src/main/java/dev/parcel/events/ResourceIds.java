package dev.parcel.events;

import java.security.SecureRandom;

/**
 * Opaque ids in Parcel's style: a one-letter kind prefix ({@code I}dentity, {@code J}ob, {@code D}ocument,
 * {@code G}rant) and random base-58 text.
 */
public final class ResourceIds {
    private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_LENGTH = 22; // about 129 bits: unguessable, so ids reveal nothing
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResourceIds() {
    }

    public static String newIdentityId() {
        return newId('I');
    }

    public static String newJobId() {
        return newId('J');
    }

    public static String newDocumentId() {
        return newId('D');
    }

    public static String newGrantId() {
        return newId('G');
    }

    private static String newId(char kind) {
        var id = new StringBuilder(RANDOM_LENGTH + 1).append(kind);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
