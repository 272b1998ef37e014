package dev.parcel.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Times a call many times after a warm-up and reports percentiles in milliseconds. */
final class Latencies {
    private final Histogram histogram = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);

    static Latencies of(int warmUp, int runs, Callable<?> call) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            call.call();
        }
        var latencies = new Latencies();
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            call.call();
            latencies.record(System.nanoTime() - started);
        }
        return latencies;
    }

    void record(long nanos) {
        histogram.recordValue(nanos);
    }

    double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    long count() {
        return histogram.getTotalCount();
    }

    static String ms(double millis) {
        return String.format("%.2f ms", millis);
    }
}
