package dev.parcel.documents.domain;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A grant's condition as a typed tree, parsed once at grant creation ({@link ConditionParser}) and evaluated on
 * every read. Access needs a definite {@link Truth#TRUE}.
 */
public sealed interface GrantCondition {

    Truth evaluate(AccessContext context);

    default boolean holdsFor(AccessContext context) {
        return evaluate(context) == Truth.TRUE;
    }

    /** {@code $and}: every part holds. */
    record All(List<GrantCondition> parts) implements GrantCondition {
        @Override
        public Truth evaluate(AccessContext context) {
            return parts.stream().map(part -> part.evaluate(context)).reduce(Truth.TRUE, Truth::and);
        }
    }

    /** {@code $or}: some part holds. */
    record Any(List<GrantCondition> parts) implements GrantCondition {
        @Override
        public Truth evaluate(AccessContext context) {
            return parts.stream().map(part -> part.evaluate(context)).reduce(Truth.FALSE, Truth::or);
        }
    }

    /** {@code $nor}: no part holds. */
    record NoneOf(List<GrantCondition> parts) implements GrantCondition {
        @Override
        public Truth evaluate(AccessContext context) {
            return new Any(parts).evaluate(context).not();
        }
    }

    /** {@code $not}. */
    record Not(GrantCondition inner) implements GrantCondition {
        @Override
        public Truth evaluate(AccessContext context) {
            return inner.evaluate(context).not();
        }
    }

    /** A leaf: {@code {"<selector>": {"<operator>": operand}}}. */
    record Comparison(Selector selector, Operator operator, Object operand) implements GrantCondition {
        @Override
        public Truth evaluate(AccessContext context) {
            return selector.valueIn(context)
                    .map(value -> Truth.of(operator.test(normalize(value), operand)))
                    .orElse(Truth.UNKNOWN);
        }

        /** Object elements compare by their non-null fields, whatever their order. */
        static Object normalize(Object value) {
            if (value instanceof List<?> list) {
                return list.stream().map(Comparison::normalize).collect(Collectors.toSet());
            }
            if (value instanceof java.util.Set<?> set) {
                return set;
            }
            if (value instanceof Map<?, ?> map) {
                var fields = new TreeMap<String, Object>();
                map.forEach((key, field) -> {
                    if (field != null) {
                        fields.put(key.toString(), field);
                    }
                });
                return fields;
            }
            return value;
        }
    }
}
