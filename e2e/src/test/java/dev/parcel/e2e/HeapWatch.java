package dev.parcel.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Samples the heap in use of services (their Micrometer /q/metrics) every 100 ms and keeps the peak of each. */
final class HeapWatch implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, Long> peakBytes = new LinkedHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    HeapWatch(int... ports) {
        for (int port : ports) {
            peakBytes.put(port, 0L);
        }
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        for (int port : peakBytes.keySet()) {
            try {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + LocalPlatform.managementPort(port) + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                long used = metrics.lines()
                        .filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
                        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                        .sum();
                synchronized (peakBytes) {
                    peakBytes.merge(port, used, Math::max);
                }
            } catch (Exception e) {
                // a missed sample only makes the peak less precise
            }
        }
    }

    /** "port: N MiB" for each service. */
    String peaks() {
        synchronized (peakBytes) {
            return peakBytes.entrySet().stream()
                    .map(entry -> "port " + entry.getKey() + ": " + (entry.getValue() >> 20) + " MiB")
                    .collect(Collectors.joining(", "));
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
