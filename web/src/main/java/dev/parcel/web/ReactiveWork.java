package dev.parcel.web;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Reactive work (Hibernate Reactive needs its Vert.x context) run from a blocking resource's worker thread, for
 * the few resources that must block: a streamed upload, or a decision that must be made before a stream starts.
 */
public final class ReactiveWork {
    private ReactiveWork() {
    }

    /** Runs {@code work} on a Vert.x context and waits for its item; its failure is rethrown as it is. */
    public static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
