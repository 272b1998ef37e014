package dev.parcel.documents;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Work on the blob store, which blocks, run off the event loop as part of a reactive flow. */
final class BlobWork {
    private BlobWork() {
    }

    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    static <T> Uni<T> offTheEventLoop(Vertx vertx, Step<T> step) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                return step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }
}
