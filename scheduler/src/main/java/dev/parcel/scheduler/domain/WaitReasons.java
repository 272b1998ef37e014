package dev.parcel.scheduler.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Why each job a placement round leaves queued still waits, in words for its submitter: which resource no live
 * worker has free enough of, the most any has and where, or that no worker is live; and its place among the jobs
 * left waiting.
 */
public final class WaitReasons {
    private WaitReasons() {
    }

    /** Why a job waits, and how many waiting jobs are ahead of it; the message joins them. */
    public record WaitReason(String reason, int jobsAhead) {
        public String message() {
            return reason + "; " + switch (jobsAhead) {
                case 0 -> "first in the queue";
                case 1 -> "1 job ahead";
                default -> jobsAhead + " jobs ahead";
            };
        }
    }

    /**
     * For each job of {@code queue} (in queue order) that {@code plan} leaves queued, why it waits, given the live
     * workers as they are once the plan is carried out.
     */
    public static Map<String, WaitReason> explain(List<PendingJob> queue, List<Assignment> plan,
            List<Worker> workers) {
        Map<String, Worker> after = new LinkedHashMap<>();
        workers.forEach(worker -> after.put(worker.id(), worker));
        plan.forEach(placed -> after.computeIfPresent(placed.workerId(), (id, worker) ->
                worker.withPlaced(placed.granted())));
        Set<String> placed = plan.stream().map(Assignment::jobId).collect(Collectors.toSet());
        var workersAfter = List.copyOf(after.values());
        var reasons = new LinkedHashMap<String, WaitReason>();
        for (PendingJob job : queue) {
            if (!placed.contains(job.jobId())) {
                reasons.put(job.jobId(), new WaitReason(reason(job.request(), workersAfter), reasons.size()));
            }
        }
        return reasons;
    }

    static String reason(ResourceRequest request, List<Worker> workers) {
        if (workers.isEmpty()) {
            return "waiting for a worker: none is live";
        }
        var shortfalls = new ArrayList<String>();
        // A worker that grants no cpu or no memory at all (one retired, say) is short of it whatever it has free.
        if (workers.stream().allMatch(w -> request.clampedTo(w).cpus() <= 0
                || request.clampedTo(w).cpus() > w.freeCpus() + Worker.NANO_CPU / 2)) {
            Worker most = mostFree(workers, Worker::freeCpus, Worker::maxCpusPerJob);
            double wanted = most.maxCpusPerJob() > 0 ? request.clampedTo(most).cpus() : request.cpus();
            shortfalls.add(cpus(wanted) + "; the most free on any live worker is " + cpus(Math.max(0, most.freeCpus()))
                    + " (" + most.id() + ")");
        }
        if (workers.stream().allMatch(w -> request.clampedTo(w).memoryBytes() <= 0
                || request.clampedTo(w).memoryBytes() > w.freeMemoryBytes())) {
            Worker most = mostFree(workers, Worker::freeMemoryBytes, Worker::maxMemoryBytesPerJob);
            long wanted = most.maxMemoryBytesPerJob() > 0 ? request.clampedTo(most).memoryBytes()
                    : request.memoryBytes();
            shortfalls.add(mib(wanted) + " of memory; the most free on any live worker is "
                    + mib(Math.max(0, most.freeMemoryBytes())) + " (" + most.id() + ")");
        }
        if (shortfalls.isEmpty()) {
            return "waiting for a worker with " + cpus(request.cpus()) + " and " + mib(request.memoryBytes())
                    + " free at once";
        }
        return "waiting for " + String.join(", and for ", shortfalls);
    }

    /** Of the workers that grant any of the resource (all, when none does), the one with the most of it free. */
    private static Worker mostFree(List<Worker> workers, ToDoubleFunction<Worker> free,
            ToDoubleFunction<Worker> grantsPerJob) {
        var granting = workers.stream().filter(w -> grantsPerJob.applyAsDouble(w) > 0).toList();
        return (granting.isEmpty() ? workers : granting).stream().max(Comparator.comparingDouble(free)
                .thenComparing(Worker::id, Comparator.reverseOrder())).orElseThrow();
    }

    private static String cpus(double cpus) {
        String amount = BigDecimal.valueOf(cpus).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
        return amount + (amount.equals("1") ? " cpu" : " cpus");
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
