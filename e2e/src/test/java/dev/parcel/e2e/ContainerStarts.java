package dev.parcel.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The job containers Docker starts while this is open, from its event stream. Asked afterwards, Docker would answer
 * only from the few events it keeps (a few hundred), which twenty jobs' containers, volumes and networks overflow.
 */
final class ContainerStarts implements AutoCloseable {
    private static final String PREFIX = "parcel-job-";

    private final Process events;
    private final List<String> names = new ArrayList<>();
    private final Thread reader;

    ContainerStarts() {
        try {
            events = new ProcessBuilder("docker", "events", "--since", Long.toString(Instant.now().getEpochSecond() - 1),
                    "--filter", "type=container", "--filter", "event=start",
                    "--format", "{{.Actor.Attributes.name}}").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not follow Docker's events", e);
        }
        reader = new Thread(this::read, "docker-events");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (var lines = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (names) {
                    names.add(line.strip());
                }
            }
        } catch (IOException ended) {
            // The stream ends when this closes it.
        }
    }

    /** How many containers were started for each job so far (container names are parcel-job-<job>-<attempt>). */
    Map<String, Long> byJob() {
        synchronized (names) {
            return names.stream().filter(name -> name.startsWith(PREFIX))
                    .map(name -> name.substring(PREFIX.length(), name.lastIndexOf('-')))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        }
    }

    @Override
    public void close() {
        events.destroy();
    }
}
