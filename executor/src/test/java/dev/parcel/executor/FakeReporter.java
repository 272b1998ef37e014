package dev.parcel.executor;

import dev.parcel.events.JobScheduled;
import dev.parcel.executor.domain.AttemptId;
import dev.parcel.executor.domain.JobOutcome;
import dev.parcel.executor.domain.OutcomeReporter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A broker in memory: what was acknowledged goes on the timeline; it can be made to refuse for a while. */
final class FakeReporter implements OutcomeReporter {
    final Map<AttemptId, JobOutcome> completed = new ConcurrentHashMap<>();
    final AtomicInteger refusalsLeft = new AtomicInteger();
    private final Timeline timeline;

    FakeReporter(Timeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public void running(JobScheduled job) {
        brokerMustAnswer();
        timeline.add("running " + AttemptId.of(job));
    }

    @Override
    public void completed(JobScheduled job, JobOutcome outcome) {
        brokerMustAnswer();
        completed.put(AttemptId.of(job), outcome);
        timeline.add("completed " + AttemptId.of(job) + " " + outcome.phase() + ": " + outcome.message());
    }

    private void brokerMustAnswer() {
        if (refusalsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            throw new IllegalStateException("the broker did not acknowledge in time");
        }
    }
}
