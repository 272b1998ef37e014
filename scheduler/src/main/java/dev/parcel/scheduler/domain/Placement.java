package dev.parcel.scheduler.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where queued jobs run, from a snapshot and without side effects: for each job in queue order, keep the
 * workers it fits on once clamped (feasibility), prefer the one with the most free cpus and then memory (ranking,
 * which spreads load), and place it there. A job that fits nowhere stays queued; later jobs may still be placed,
 * so one large job does not hold back small ones.
 */
public final class Placement {
    private Placement() {
    }

    public static List<Assignment> plan(List<PendingJob> queue, List<Worker> workers) {
        Map<String, Worker> capacity = new LinkedHashMap<>();
        workers.forEach(worker -> capacity.put(worker.id(), worker));
        var plan = new ArrayList<Assignment>();
        for (PendingJob job : queue) {
            best(job, capacity.values()).ifPresent(worker -> {
                ResourceRequest granted = job.request().clampedTo(worker);
                capacity.put(worker.id(), worker.withPlaced(granted));
                plan.add(new Assignment(job.jobId(), worker.id(), granted));
            });
        }
        return plan;
    }

    private static Optional<Worker> best(PendingJob job, Iterable<Worker> workers) {
        var feasible = new ArrayList<Worker>();
        for (Worker worker : workers) {
            if (worker.fits(job.request().clampedTo(worker))) {
                feasible.add(worker);
            }
        }
        return feasible.stream().max(Comparator.comparingDouble(Worker::freeCpus)
                .thenComparingLong(Worker::freeMemoryBytes)
                .thenComparing(Worker::id, Comparator.reverseOrder()));
    }
}
