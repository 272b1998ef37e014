package dev.parcel.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * An in-memory OTLP receiver (protobuf over HTTP, {@code POST /v1/traces}) in the test's JVM. The platform's
 * services export their spans here for the whole run, since their exporter is configured when they start; a test
 * reads the spans of the traces it made.
 */
final class TraceCollector {
    /** Below 32768, like every port of the suite; Quarkus appends {@code /v1/traces} to the endpoint. */
    static final int PORT = 28318;
    private static final HexFormat HEX = HexFormat.of();
    private static final Queue<ExportedSpan> SPANS = new ConcurrentLinkedQueue<>();
    private static HttpServer server;

    /** What the tests look at of a span, with the {@code service.name} of the process that exported it. */
    record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            String kind, Map<String, String> attributes) {
    }

    private TraceCollector() {
    }

    static synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the trace collector cannot listen on " + PORT, e);
        }
        server.createContext("/", TraceCollector::receive);
        server.setExecutor(Executors.newSingleThreadExecutor(task -> {
            var thread = new Thread(task, "trace-collector");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    static List<ExportedSpan> inTrace(String traceId) {
        return SPANS.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    static List<ExportedSpan> all() {
        return List.copyOf(SPANS);
    }

    private static void receive(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(TraceCollector::keep);
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static void keep(ResourceSpans resourceSpans) {
        String service = text(resourceSpans.getResource().getAttributesList()).getOrDefault("service.name", "");
        resourceSpans.getScopeSpansList().forEach(scope -> scope.getSpansList().forEach(span ->
                SPANS.add(new ExportedSpan(service, HEX.formatHex(span.getTraceId().toByteArray()),
                        HEX.formatHex(span.getSpanId().toByteArray()),
                        HEX.formatHex(span.getParentSpanId().toByteArray()), span.getName(),
                        span.getKind().name(), text(span.getAttributesList())))));
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, TraceCollector::text, (a, b) -> b));
    }

    private static String text(KeyValue attribute) {
        var value = attribute.getValue();
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString();
        };
    }
}
