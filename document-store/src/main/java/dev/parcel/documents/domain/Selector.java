package dev.parcel.documents.domain;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/** What a condition can ask about, and what kind of value each selector yields. */
public enum Selector {
    IDENTITY_ID("identity.id", ValueKind.TEXT, context -> known(context.accessor())),
    DOCUMENT_ID("document.id", ValueKind.TEXT, context -> known(context.document().id())),
    DOCUMENT_CREATOR("document.creator", ValueKind.TEXT, context -> known(context.document().creator())),
    DOCUMENT_OWNER("document.owner", ValueKind.TEXT, context -> known(context.document().owner())),
    DOCUMENT_TITLE("document.title", ValueKind.TEXT, context -> known(context.document().title())),
    DOCUMENT_TAGS("document.tags", ValueKind.TEXT_SET, context -> known(context.document().tags())),
    DOCUMENT_ORIGINATING_JOB("document.originatingJob", ValueKind.TEXT,
            context -> known(context.document().originatingJob())),
    JOB_SPEC_IMAGE("job.spec.image", ValueKind.TEXT, context -> context.job().flatMap(job -> known(job.image()))),
    JOB_SPEC_INPUTS("job.spec.inputs", ValueKind.OBJECT_SET,
            context -> context.job().flatMap(job -> known(job.inputs()))),
    JOB_SPEC_OUTPUTS("job.spec.outputs", ValueKind.OBJECT_SET,
            context -> context.job().flatMap(job -> known(job.outputs()))),
    ACCESS_TIME("accessTime", ValueKind.TIME, context -> known(context.accessTime())),
    /** Jobs run on workers; a direct download has no worker, so this is unknown outside a job. */
    WORKER_ID("worker.id", ValueKind.TEXT, context -> context.job().flatMap(job -> known(job.workerId())));

    /** The shape of a selector's value, which decides the operators and operands it takes. */
    public enum ValueKind {
        /** A string, or null. */
        TEXT,
        /** A point in time; operands are ISO-8601 strings. */
        TIME,
        /** A set of strings. */
        TEXT_SET,
        /** A set of JSON objects with string fields (a job's input or output specs). */
        OBJECT_SET
    }

    /** Stands for a null value, since {@link Optional} cannot hold one; empty means "unknown here". */
    enum Absent {
        VALUE
    }

    private final String wireName;
    private final ValueKind kind;
    private final Function<AccessContext, Optional<Object>> value;

    Selector(String wireName, ValueKind kind, Function<AccessContext, Optional<Object>> value) {
        this.wireName = wireName;
        this.kind = kind;
        this.value = value;
    }

    /** A value that is known in this context; null becomes {@link Absent#VALUE}. */
    private static Optional<Object> known(Object value) {
        return Optional.of(value == null ? Absent.VALUE : value);
    }

    public String wireName() {
        return wireName;
    }

    public ValueKind kind() {
        return kind;
    }

    /** The value in this context: empty when it cannot be known here, {@link Absent#VALUE} for null. */
    Optional<Object> valueIn(AccessContext context) {
        return value.apply(context);
    }

    public static Optional<Selector> named(String wireName) {
        return Arrays.stream(values()).filter(selector -> selector.wireName.equals(wireName)).findFirst();
    }
}
