package dev.parcel.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Bad input for a JSON route, reproducible from a seed: a good request body broken in one to three places (a field
 * removed, a value of any JSON type put where it does not belong, anywhere in the tree, an element added to or
 * dropped from a list), or now and then a body that is not the JSON object the route expects at all.
 */
public final class JsonFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NOT_AN_OBJECT = {"", " ", "{", "}", "[]", "42", "\"text\"", "null", "true",
            "{\"a\": }", "{\"a\": 1", "{\"a\": 1}}", "[".repeat(5000), "{\"a\":".repeat(3000), "\u0000",
            "{\"a\": \"\\ud800\"}"};
    private static final Object[] STRINGS = {"", " ", "\u0000", "x".repeat(10_000), "\uD83D\uDE00", "null",
            "everyone", "$eq", "$and", "document.id", "job.spec.image", "2020-01-01T00:00:00Z", "not-a-time",
            "../../etc/passwd", "Inobody", "Dnothing", "read", "read extend", "-1", "1e999"};
    private static final Object[] NUMBERS = {0, -1, 1, Integer.MAX_VALUE, Long.MIN_VALUE, -0.5, 1e308, 3.5};
    private static final String[] KEYS = {"", "$and", "$or", "$not", "$eq", "$in", "$subset", "document.id",
            "document.tags", "job.spec.outputs", "accessTime", "unknown", "id", "owner"};

    private final Random random;

    public JsonFuzz(long seed) {
        this.random = new Random(seed);
    }

    /** A body for a route that takes {@code good}: broken in one to three places, or no JSON object at all. */
    public String body(Map<String, Object> good) {
        if (random.nextInt(20) == 0) {
            return pick(NOT_AN_OBJECT);
        }
        Object tree = copy(good);
        int breaks = 1 + random.nextInt(3);
        for (int i = 0; i < breaks; i++) {
            tree = broken(tree, 0);
        }
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What is wrong with an answer to bad input, or empty when it is right: a success, or a 4xx with a JSON
     * {@code {"error": "..."}}; never a 5xx. A request line or headers over the HTTP server's limits are refused
     * before any route sees them, with the status alone (414, 431): that too is right.
     */
    public static Optional<String> wrongAnswer(int status, String body) {
        if (status >= 500) {
            return Optional.of("a server error");
        }
        if (status < 400 || status == 414 || status == 431) {
            return Optional.empty();
        }
        try {
            var error = JSON.readTree(body).path("error");
            return error.isTextual() && !error.asText().isBlank() ? Optional.empty()
                    : Optional.of("a client error without a JSON error message");
        } catch (JsonProcessingException e) {
            return Optional.of("a client error whose body is not JSON");
        }
    }

    @SuppressWarnings("unchecked")
    private Object broken(Object node, int depth) {
        if (node instanceof Map<?, ?> map && !map.isEmpty() && random.nextInt(3) > 0) {
            var object = (Map<String, Object>) map;
            String key = pick(object.keySet().toArray(String[]::new));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(key);
                case 1 -> object.put(key, anyValue(depth));
                case 2 -> object.put(random.nextBoolean() ? key : pick(KEYS), anyValue(depth));
                default -> object.put(key, broken(object.get(key), depth + 1));
            }
            return object;
        }
        if (node instanceof List<?> list && random.nextInt(3) > 0) {
            var array = (List<Object>) list;
            switch (random.nextInt(4)) {
                case 0 -> array.add(anyValue(depth));
                case 1 -> {
                    if (!array.isEmpty()) {
                        array.remove(random.nextInt(array.size()));
                    }
                }
                case 2 -> array.add(null);
                default -> {
                    if (!array.isEmpty()) {
                        int at = random.nextInt(array.size());
                        array.set(at, broken(array.get(at), depth + 1));
                    }
                }
            }
            return array;
        }
        return anyValue(depth);
    }

    private Object anyValue(int depth) {
        int kinds = depth > 4 ? 5 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> pick(NUMBERS);
            case 3, 4 -> pick(STRINGS);
            case 5 -> {
                var list = new ArrayList<Object>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(anyValue(depth + 1));
                }
                yield list;
            }
            default -> {
                var map = new LinkedHashMap<String, Object>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put(pick(KEYS), anyValue(depth + 1));
                }
                yield map;
            }
        };
    }

    /** A deep, mutable copy. */
    private static Object copy(Object node) {
        if (node instanceof Map<?, ?> map) {
            var copied = new HashMap<String, Object>();
            map.forEach((key, value) -> copied.put((String) key, copy(value)));
            return copied;
        }
        if (node instanceof List<?> list) {
            var copied = new ArrayList<Object>();
            list.forEach(element -> copied.add(copy(element)));
            return copied;
        }
        return node;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
