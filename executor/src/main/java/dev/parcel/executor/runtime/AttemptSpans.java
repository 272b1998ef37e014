package dev.parcel.executor.runtime;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptTracer;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The attempts' spans, with OpenTelemetry. An attempt runs on a thread of its own, not on a Vert.x context, so a
 * span made current here stays current for that thread's calls (the reports included) until it is closed.
 */
@ApplicationScoped
public class AttemptSpans implements AttemptTracer {
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    AttemptSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public AttemptTracer.Span attempt(JobScheduled job, String traceparent) {
        Context parent = traceparent == null ? Context.root()
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
        return current(tracer.spanBuilder("attempt")
                .setParent(parent)
                .setAttribute("parcel.job.id", job.jobId())
                .setAttribute("parcel.job.attempt", job.attempt())
                .setAttribute("parcel.worker.id", job.workerId())
                .startSpan());
    }

    @Override
    public AttemptTracer.Span step(String name) {
        return current(tracer.spanBuilder(name).startSpan());
    }

    /** Named in full: the interface's own {@code Span} hides OpenTelemetry's here. */
    private static AttemptTracer.Span current(io.opentelemetry.api.trace.Span span) {
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            span.end();
        };
    }
}
