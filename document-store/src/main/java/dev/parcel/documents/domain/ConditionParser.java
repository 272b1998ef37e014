package dev.parcel.documents.domain;

import dev.parcel.documents.domain.GrantCondition.Comparison;
import dev.parcel.documents.domain.Selector.ValueKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a condition as JSON (the maps, lists, strings and numbers a JSON parser yields) into a {@link GrantCondition},
 * refusing, with the path and the reason, an unknown selector or operator, an operator that does not apply to its
 * selector, or an operand of the wrong type. Nothing unknown is ever read as "false".
 */
public final class ConditionParser {
    private static final int MAX_DEPTH = 32;

    private ConditionParser() {
    }

    public static GrantCondition parse(Object json) {
        return condition(json, "", 0);
    }

    private static GrantCondition condition(Object node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidCondition(path, "nested more than " + MAX_DEPTH + " levels deep");
        }
        if (!(node instanceof Map<?, ?> object) || object.size() != 1) {
            throw new InvalidCondition(path, "must be an object with exactly one key: a selector, or one of"
                    + " $and, $or, $nor, $not");
        }
        var entry = object.entrySet().iterator().next();
        String key = String.valueOf(entry.getKey());
        String here = path + "." + key;
        return switch (key) {
            case "$and" -> new GrantCondition.All(conditions(entry.getValue(), here, depth));
            case "$or" -> new GrantCondition.Any(conditions(entry.getValue(), here, depth));
            case "$nor" -> new GrantCondition.NoneOf(conditions(entry.getValue(), here, depth));
            case "$not" -> new GrantCondition.Not(condition(entry.getValue(), here, depth + 1));
            default -> {
                if (key.startsWith("$")) {
                    throw new InvalidCondition(path, "unknown logical operator " + key);
                }
                Selector selector = Selector.named(key)
                        .orElseThrow(() -> new InvalidCondition(path, "unknown selector " + key));
                yield comparisons(selector, entry.getValue(), here);
            }
        };
    }

    private static List<GrantCondition> conditions(Object node, String path, int depth) {
        if (!(node instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidCondition(path, "must be a non-empty array of conditions");
        }
        var parts = new ArrayList<GrantCondition>();
        for (int i = 0; i < list.size(); i++) {
            parts.add(condition(list.get(i), path + "[" + i + "]", depth + 1));
        }
        return List.copyOf(parts);
    }

    /** Several operators on one selector, as in {@code {"$gte": a, "$lt": b}}, must all hold. */
    private static GrantCondition comparisons(Selector selector, Object node, String path) {
        if (!(node instanceof Map<?, ?> operators) || operators.isEmpty()) {
            throw new InvalidCondition(path, "must be an object of operators, such as {\"$eq\": ...}");
        }
        var parts = new ArrayList<GrantCondition>();
        operators.forEach((name, operand) -> {
            String here = path + "." + name;
            Operator operator = Operator.named(String.valueOf(name))
                    .orElseThrow(() -> new InvalidCondition(path, "unknown operator " + name));
            if (!operator.appliesTo(selector.kind())) {
                throw new InvalidCondition(path, "operator " + name + " does not apply to " + selector.wireName());
            }
            parts.add(new Comparison(selector, operator, operand(selector.kind(), operator, operand, here)));
        });
        return parts.size() == 1 ? parts.get(0) : new GrantCondition.All(List.copyOf(parts));
    }

    private static Object operand(ValueKind kind, Operator operator, Object operand, String path) {
        if (!operator.takesList()) {
            return element(kind, operand, path);
        }
        if (!(operand instanceof List<?> list)) {
            throw new InvalidCondition(path, "expects an array");
        }
        var elements = new ArrayList<Object>();
        for (int i = 0; i < list.size(); i++) {
            elements.add(element(kind, list.get(i), path + "[" + i + "]"));
        }
        return Comparison.normalize(elements);
    }

    private static Object element(ValueKind kind, Object operand, String path) {
        return switch (kind) {
            case TEXT -> {
                if (operand != null && !(operand instanceof String)) {
                    throw new InvalidCondition(path, "expects a string or null");
                }
                yield operand;
            }
            case TEXT_SET -> {
                if (!(operand instanceof String)) {
                    throw new InvalidCondition(path, "expects a string");
                }
                yield operand;
            }
            case OBJECT_SET -> {
                if (!(operand instanceof Map<?, ?> object)
                        || !object.values().stream().allMatch(field -> field == null || field instanceof String)) {
                    throw new InvalidCondition(path, "expects an object with string fields, such as"
                            + " {\"id\": ..., \"mountPath\": ...}");
                }
                yield Comparison.normalize(object);
            }
            case TIME -> time(operand, path);
        };
    }

    private static Instant time(Object operand, String path) {
        if (operand instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                // reported below, with the expected form
            }
        }
        throw new InvalidCondition(path, "expects an ISO-8601 timestamp with an offset, such as"
                + " \"2026-01-01T00:00:00Z\"");
    }
}
