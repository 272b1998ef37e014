package dev.parcel.jobapi;

import dev.parcel.jobapi.config.SubmissionConfig;
import dev.parcel.jobapi.domain.StreamQuota;
import dev.parcel.jobapi.persistence.StatusChanges;
import dev.parcel.web.ApiProblem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Following a job's status: the statuses after the one a client last saw, then each new one as it is recorded,
 * until the job has ended. Driven by the change notifications, never by polling. Each identity holds at most
 * {@code parcel.submissions.max-event-streams-per-identity} streams open at once.
 */
@ApplicationScoped
public class JobStatusStream {
    private static final Logger LOG = Logger.getLogger(JobStatusStream.class);

    private final StatusChanges changes;
    private final StreamQuota quota;

    JobStatusStream(StatusChanges changes, SubmissionConfig config) {
        this.changes = changes;
        this.quota = new StreamQuota(config.maxEventStreamsPerIdentity());
    }

    /**
     * The job's status changes numbered above {@code afterSeq}, then every later one, ending after the job ends.
     * {@code job} is the job as {@code follower} was allowed to see it, just before.
     */
    public Multi<StatusChanges.Change> follow(String follower, JobReads.Job job, int afterSeq) {
        return counted(follower, () -> follow(job, afterSeq));
    }

    /**
     * A stream {@code follower} opens, counted against its streams open at once (its logs followed too); a 429
     * beyond them.
     */
    public <T> Multi<T> counted(String follower, Supplier<Multi<T>> stream) {
        if (!quota.tryOpen(follower)) {
            throw ApiProblem.tooMany("you have " + quota.maxPerIdentity() + " streams open already; close one"
                    + " first");
        }
        return stream.get().onTermination().invoke(() -> quota.closed(follower));
    }

    private Multi<StatusChanges.Change> follow(JobReads.Job job, int afterSeq) {
        String jobId = job.id();
        return Multi.createFrom().emitter(emitter -> {
            var follower = new Follower(jobId, afterSeq, job.status().phase().isTerminal(), emitter);
            AutoCloseable registration = changes.whenChanged(jobId, follower::look);
            emitter.onTermination(() -> {
                try {
                    registration.close();
                } catch (Exception e) {
                    LOG.debugf("closing a status registration: %s", e.getMessage());
                }
            });
            follower.look();
        });
    }

    /** Sends what is new since the last change sent; one look at a time, and one more if news came meanwhile. */
    private final class Follower {
        private final String jobId;
        private final boolean endedAlready;
        private final MultiEmitter<? super StatusChanges.Change> emitter;
        private int lastSent;
        private boolean looking;
        private boolean lookAgain;

        Follower(String jobId, int afterSeq, boolean endedAlready, MultiEmitter<? super StatusChanges.Change> emitter) {
            this.jobId = jobId;
            this.lastSent = afterSeq;
            this.endedAlready = endedAlready;
            this.emitter = emitter;
        }

        void look() {
            synchronized (this) {
                if (looking) {
                    lookAgain = true;
                    return;
                }
                looking = true;
            }
            changes.after(jobId, lastSent).subscribe().with(found -> {
                for (var change : found) {
                    emitter.emit(change);
                    lastSent = change.seq();
                }
                boolean ended = endedAlready || found.stream().anyMatch(change -> change.status().phase().isTerminal());
                if (ended) {
                    emitter.complete();
                    return;
                }
                boolean again;
                synchronized (this) {
                    looking = false;
                    again = lookAgain;
                    lookAgain = false;
                }
                if (again) {
                    look();
                }
            }, emitter::fail);
        }
    }
}
