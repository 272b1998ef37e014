package dev.parcel.events.jobspec;

import java.util.Optional;

/**
 * Where inputs and outputs sit inside the job: a path relative to /parcel/data/in or /parcel/data/out that stays
 * inside it. The API refuses other paths; the worker checks again, because what it writes into a volume must
 * never land outside the job's directory.
 */
public final class MountPaths {
    private MountPaths() {
    }

    /** The path when it is relative, normalized and inside its directory; otherwise why not. */
    public static Optional<String> problemWith(String mountPath) {
        if (mountPath == null || mountPath.isEmpty()) {
            return Optional.of("is empty");
        }
        if (mountPath.startsWith("/")) {
            return Optional.of("is absolute");
        }
        if (mountPath.indexOf('\0') >= 0) {
            return Optional.of("contains a NUL character");
        }
        for (String segment : mountPath.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.of("has an empty, '.' or '..' segment");
            }
        }
        return Optional.empty();
    }
}
