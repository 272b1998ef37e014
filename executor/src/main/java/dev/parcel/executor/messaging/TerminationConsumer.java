package dev.parcel.executor.messaging;

import dev.parcel.events.JobTerminationRequested;
import dev.parcel.executor.JobRunner;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every executor hears every termination request (in its own group): the job may be running here, or its placement
 * may still be on its way here.
 */
@ApplicationScoped
public class TerminationConsumer {
    private final JobRunner runner;

    TerminationConsumer(JobRunner runner) {
        this.runner = runner;
    }

    @Incoming("job-termination-requested")
    public void onTerminationRequested(JobTerminationRequested event) {
        runner.terminate(event.jobId());
    }
}
