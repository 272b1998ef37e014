package dev.parcel.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobScheduled;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.messaging.MissedPlacements;
import dev.parcel.executor.messaging.StatusReporter;
import dev.parcel.executor.persistence.FileAttemptJournal;
import dev.parcel.executor.runtime.AttemptSpans;
import dev.parcel.executor.runtime.DockerDriver;
import dev.parcel.executor.runtime.JobTokenIssuer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.KafkaException;

/**
 * The attempts of this worker, wired to Docker, the broker and the journal on disk: an {@link AttemptSupervisor}
 * that recovers on start and, on a stop, leaves every running job running for the next start.
 */
@ApplicationScoped
public class JobRunner {
    /** Pauses between asking a broker or engine that did not answer: 0.1 s doubling to 10 s. */
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    private final FileAttemptJournal journal;
    private final AttemptSupervisor supervisor;
    private final MissedPlacements missedPlacements;
    private final ExecutorService threads = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            var thread = new Thread(task, "job-runner-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    JobRunner(DockerDriver driver, AttemptSpans spans, StatusReporter reporter, MissedPlacements missedPlacements,
            JobTokenIssuer tokens, ExecutorConfig config, ObjectMapper json) {
        this.missedPlacements = missedPlacements;
        this.journal = new FileAttemptJournal(Path.of(config.stateDir()), config.journalRetention(), json,
                Clock.systemUTC());
        this.supervisor = new AttemptSupervisor(driver, spans, journal, reporter,
                new AttemptFlow.Settings(config.workerId(), config.maxRunTime(), config.killGracePeriod(),
                        tokens.canIssue(), FIRST_PAUSE, LONGEST_PAUSE), threads);
    }

    /**
     * Recovery may wait for the broker and the engine; placements are journaled meanwhile and run once it is done.
     */
    void onStart(@Observes StartupEvent started) {
        threads.submit(this::recover);
    }

    void onStop(@Observes ShutdownEvent stopping) {
        supervisor.stop();
    }

    /** See {@link AttemptSupervisor#placed}: false means do not acknowledge it. */
    public boolean placed(JobScheduled placement, String traceparent) {
        return supervisor.placed(placement, traceparent);
    }

    public void terminationRequested(String jobId) {
        supervisor.terminationRequested(jobId);
    }

    /**
     * What a start does with what the journal and the engine hold, once it knows which of its attempts were placed
     * again elsewhere while it was away; repeating it is harmless.
     */
    public void recover() {
        new Backoff(FIRST_PAUSE, LONGEST_PAUSE)
                .untilAnswered("recovery waits for the placements behind this worker's last",
                        e -> e instanceof KafkaException || e instanceof IllegalStateException,
                        missedPlacements::read)
                .ifPresent(supervisor::recover);
    }

    @Scheduled(every = "10m", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void prune() {
        journal.prune();
    }
}
