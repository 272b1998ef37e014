package dev.parcel.executor.domain;

/**
 * A job's outputs together are larger than the worker's limit: nothing more is copied out, and the job fails with
 * this message (which names the limit) instead of its exit code's.
 */
public class OutputLimitExceeded extends RuntimeException {
    public OutputLimitExceeded(String output, long limitBytes) {
        super("its outputs are larger than this worker's limit of " + MiB.of(limitBytes) + " (reached at "
                + output + ")");
    }

    private static final class MiB {
        static String of(long bytes) {
            return bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
        }
    }
}
