package dev.parcel.documents.domain;

import dev.parcel.documents.domain.Selector.ValueKind;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The comparison operators, with MongoDB's meaning, which the condition language follows: on a set-valued
 * selector, {@code $eq}/{@code $in} hold when some element matches and {@code $ne}/{@code $nin} when none does.
 */
public enum Operator {
    EQ("$eq", EnumSet.allOf(ValueKind.class), false),
    NE("$ne", EnumSet.allOf(ValueKind.class), false),
    IN("$in", EnumSet.of(ValueKind.TEXT, ValueKind.TEXT_SET, ValueKind.OBJECT_SET), true),
    NIN("$nin", EnumSet.of(ValueKind.TEXT, ValueKind.TEXT_SET, ValueKind.OBJECT_SET), true),
    GT("$gt", EnumSet.of(ValueKind.TIME), false),
    GTE("$gte", EnumSet.of(ValueKind.TIME), false),
    LT("$lt", EnumSet.of(ValueKind.TIME), false),
    LTE("$lte", EnumSet.of(ValueKind.TIME), false),
    CONTAINS("$contains", EnumSet.of(ValueKind.TEXT_SET, ValueKind.OBJECT_SET), false),
    INTERSECTS("$intersects", EnumSet.of(ValueKind.TEXT_SET, ValueKind.OBJECT_SET), true),
    SUPERSET("$superset", EnumSet.of(ValueKind.TEXT_SET, ValueKind.OBJECT_SET), true),
    SUBSET("$subset", EnumSet.of(ValueKind.TEXT_SET, ValueKind.OBJECT_SET), true);

    private final String wireName;
    private final Set<ValueKind> appliesTo;
    private final boolean takesList;

    Operator(String wireName, Set<ValueKind> appliesTo, boolean takesList) {
        this.wireName = wireName;
        this.appliesTo = appliesTo;
        this.takesList = takesList;
    }

    public String wireName() {
        return wireName;
    }

    public boolean appliesTo(ValueKind kind) {
        return appliesTo.contains(kind);
    }

    /** Whether the operand is a list of values rather than one value. */
    public boolean takesList() {
        return takesList;
    }

    public static Optional<Operator> named(String wireName) {
        return Arrays.stream(values()).filter(operator -> operator.wireName.equals(wireName)).findFirst();
    }

    /** Applies the operator; {@code value} and {@code operand} are already normalized by the parser's rules. */
    boolean test(Object value, Object operand) {
        if (value instanceof Collection<?> elements) {
            return testSet(elements, operand);
        }
        Object scalar = value == Selector.Absent.VALUE ? null : value;
        return switch (this) {
            case EQ -> Objects.equals(scalar, operand);
            case NE -> !Objects.equals(scalar, operand);
            case IN -> ((Collection<?>) operand).contains(scalar);
            case NIN -> !((Collection<?>) operand).contains(scalar);
            case GT -> scalar != null && ((Instant) scalar).isAfter((Instant) operand);
            case GTE -> scalar != null && !((Instant) scalar).isBefore((Instant) operand);
            case LT -> scalar != null && ((Instant) scalar).isBefore((Instant) operand);
            case LTE -> scalar != null && !((Instant) scalar).isAfter((Instant) operand);
            default -> throw new IllegalStateException(wireName + " on a single value");
        };
    }

    private boolean testSet(Collection<?> elements, Object operand) {
        return switch (this) {
            case EQ, CONTAINS -> elements.contains(operand);
            case NE -> !elements.contains(operand);
            case IN, INTERSECTS -> ((Collection<?>) operand).stream().anyMatch(elements::contains);
            case NIN -> ((Collection<?>) operand).stream().noneMatch(elements::contains);
            case SUPERSET -> elements.containsAll((Collection<?>) operand);
            case SUBSET -> ((Collection<?>) operand).containsAll(elements);
            default -> throw new IllegalStateException(wireName + " on a set");
        };
    }
}
