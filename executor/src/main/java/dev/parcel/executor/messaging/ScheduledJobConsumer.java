package dev.parcel.executor.messaging;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.JobRunner;
import dev.parcel.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Hands the attempts placed on this worker to the runner; every executor reads all placements in its own group. */
@ApplicationScoped
public class ScheduledJobConsumer {
    private final JobRunner runner;
    private final String workerId;

    ScheduledJobConsumer(JobRunner runner, ExecutorConfig config) {
        this.runner = runner;
        this.workerId = config.workerId();
    }

    @Incoming("job-scheduled")
    public void onScheduled(JobScheduled event) {
        if (workerId.equals(event.workerId())) {
            runner.accept(event);
        }
    }
}
