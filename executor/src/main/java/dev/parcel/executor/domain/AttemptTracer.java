package dev.parcel.executor.domain;

import dev.parcel.events.JobScheduled;

/**
 * Marks an attempt and its steps in the trace its placement came in, so one trace follows a job from its
 * submission to its outcome. Spans are current on the calling thread until closed, so what the attempt reports
 * meanwhile is in its trace too. Where tracing is off, every span is a no-op.
 */
public interface AttemptTracer {

    /**
     * The attempt's span, under the W3C traceparent its placement carried; with none (an attempt a restart took
     * back from its container, or a placement sent untraced) it starts a trace of its own.
     */
    Span attempt(JobScheduled job, String traceparent);

    /** A step of the attempt ({@code create}, {@code stage}, {@code start}, {@code wait}, {@code outputs}). */
    Span step(String name);

    interface Span extends AutoCloseable {
        /** Ends it; no step fails to close. */
        @Override
        void close();
    }
}
