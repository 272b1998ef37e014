package dev.parcel.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.ParcelEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * How every consumer applies a record, so that no channel ever stops: the record is decoded and its version
 * checked; its effect is retried with backoff for as long as the failure is transient (a dependency is away), while
 * the channel holds the record's place and readiness says why; a record that can never be processed, and one whose
 * effect keeps failing for reasons nobody recognises, goes to the dead-letter topic, and the consumer moves on.
 * The returned {@code Uni} never fails, so the offset is committed only once the record was applied or set aside.
 */
@ApplicationScoped
public class EventIntake {
    /** An unrecognised failure may still be a passing one; this many tries, about 13 s, before giving up. */
    static final int UNEXPECTED_FAILURE_TRIES = 8;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(EventIntake.class);
    private static final String JOB_TOPICS = "parcel.jobs.";

    private final ObjectMapper json;
    private final DeadLetters deadLetters;
    private final ConsumerReadiness readiness;
    private final IntFunction<Duration> pauses;

    @Inject
    EventIntake(ObjectMapper json, DeadLetters deadLetters, @Readiness ConsumerReadiness readiness) {
        this(json, deadLetters, readiness, EventIntake::pauseAfter);
    }

    /** {@code pauses}: how long to wait after the given number of failures. */
    EventIntake(ObjectMapper json, DeadLetters deadLetters, ConsumerReadiness readiness,
            IntFunction<Duration> pauses) {
        this.json = json;
        this.deadLetters = deadLetters;
        this.readiness = readiness;
        this.pauses = pauses;
    }

    /** Applies one record's event; {@code newestVersion} is the newest version of the event this consumer reads. */
    public <T extends ParcelEvent> Uni<Void> apply(ConsumerRecord<String, String> record, Class<T> type,
            int newestVersion, Function<T, Uni<Void>> effect) {
        if (record.topic().startsWith(JOB_TOPICS) && record.key() != null) {
            // Job events are keyed by job id; on the record's own Vert.x context, so every line logged for it has it.
            MDC.put("jobId", record.key());
        }
        return retried(record.topic(),
                () -> effect.apply(EventDecoder.decode(json, record.value(), type, newestVersion)),
                failure -> setAside(record, failure));
    }

    /**
     * Applies a poll's worth of events in one effect. Records that do not decode are set aside first; if the effect
     * on the rest fails for good, they are applied one at a time, so only the record at fault is set aside.
     */
    public <T extends ParcelEvent> Uni<Void> applyBatch(ConsumerRecords<String, String> records, Class<T> type,
            int newestVersion, Function<List<T>, Uni<Void>> effect) {
        var decoded = new ArrayList<T>();
        var decodedRecords = new ArrayList<ConsumerRecord<String, String>>();
        var undecodable = new ArrayList<Uni<Void>>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                decoded.add(EventDecoder.decode(json, record.value(), type, newestVersion));
                decodedRecords.add(record);
            } catch (UnprocessableEvent unprocessable) {
                undecodable.add(Uni.createFrom().deferred(() -> setAside(record, unprocessable)));
            }
        }
        Uni<Void> setAside = Multi.createFrom().iterable(undecodable).onItem().transformToUniAndConcatenate(u -> u)
                .collect().last().replaceWithVoid();
        if (decoded.isEmpty()) {
            return setAside;
        }
        return setAside.chain(() -> retried(decodedRecords.get(0).topic(), () -> effect.apply(decoded),
                failure -> oneAtATime(decodedRecords, type, newestVersion, effect)));
    }

    private <T extends ParcelEvent> Uni<Void> oneAtATime(List<ConsumerRecord<String, String>> records,
            Class<T> type, int newestVersion, Function<List<T>, Uni<Void>> effect) {
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(record -> apply(record, type, newestVersion,
                        event -> effect.apply(List.of(event))))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> setAside(ConsumerRecord<String, String> record, Throwable why) {
        return retried(record.topic() + DeadLetters.TOPIC_SUFFIX, () -> deadLetters.send(record, describe(why)),
                failure -> {
                    // The broker took the record but refuses its dead letter for good: nothing is left to try.
                    LOG.errorf("could not set aside %s-%d@%d (%s); skipping it", record.topic(), record.partition(),
                            record.offset(), describe(failure));
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Runs {@code work} until it succeeds, pausing between tries on the caller's Vert.x context (a reactive
     * database session must stay on it): forever while failures are transient, {@link #UNEXPECTED_FAILURE_TRIES}
     * times for failures nobody recognises, and not again for a permanent one; then {@code giveUp}.
     */
    private Uni<Void> retried(String topic, Supplier<Uni<Void>> work, Function<Throwable, Uni<Void>> giveUp) {
        return attempt(topic, work, giveUp, Vertx.currentContext(), 0, 0);
    }

    /**
     * One try; {@code failuresSoFar} sets the pause, {@code unexpectedSoFar} counts only the unrecognised ones, so a
     * long outage does not use up the tries of a failure that follows it.
     */
    private Uni<Void> attempt(String topic, Supplier<Uni<Void>> work, Function<Throwable, Uni<Void>> giveUp,
            Context context, int failuresSoFar, int unexpectedSoFar) {
        Uni<Void> tried = Uni.createFrom().<Void>deferred(work::get).onFailure().recoverWithUni(failure -> {
            FailureKind kind = FailureKind.of(failure);
            if (kind == FailureKind.PERMANENT) {
                return giveUp.apply(failure);
            }
            int unexpected = unexpectedSoFar + (kind == FailureKind.UNKNOWN ? 1 : 0);
            if (unexpected >= UNEXPECTED_FAILURE_TRIES) {
                return giveUp.apply(new UnprocessableEvent(
                        "failed " + unexpected + " times, the last with " + describe(failure)));
            }
            if (failuresSoFar == 0) {
                LOG.warnf("consuming %s failed (%s); retrying with backoff", topic, describe(failure));
            }
            readiness.waiting(topic, describe(failure));
            return pause(context, pauses.apply(failuresSoFar))
                    .chain(() -> attempt(topic, work, giveUp, context, failuresSoFar + 1, unexpected));
        });
        if (failuresSoFar > 0) {
            return tried;
        }
        return tried.invoke(() -> {
            if (readiness.recovered(topic)) {
                LOG.infof("consuming %s works again", topic);
            }
        });
    }

    static Duration pauseAfter(int failures) {
        long millis = FIRST_PAUSE.toMillis() << Math.min(failures, 20);
        return Duration.ofMillis(Math.min(millis, LONGEST_PAUSE.toMillis()));
    }

    private static Uni<Void> pause(Context context, Duration pause) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(pause);
        }
        return Uni.createFrom().emitter(done -> context.owner().setTimer(pause.toMillis(),
                timer -> context.runOnContext(ignored -> done.complete(null))));
    }

    static String describe(Throwable failure) {
        if (failure instanceof UnprocessableEvent) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
