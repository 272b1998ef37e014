package dev.parcel.documents.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.documents.domain.AccessContext.DocumentFacts;
import dev.parcel.documents.domain.AccessContext.JobFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantConditionTest {
    private static final Instant NOON = Instant.parse("2026-06-01T12:00:00Z");
    private static final DocumentFacts DOCUMENT = new DocumentFacts("Dreport", "Ialice", "Ialice", "Q2 report",
            Set.of("finance", "q2"), null);
    private static final Map<String, Object> INPUT = Map.of("id", "Dreport", "mountPath", "report.csv");
    private static final JobFacts JOB = new JobFacts("Jone", "acme/analytics:1", List.of(INPUT),
            List.of(Map.of("mountPath", "out.csv")), "worker-a");
    private static final AccessContext DIRECT = AccessContext.directRead(DOCUMENT, "Ibob", NOON);
    private static final AccessContext IN_JOB = AccessContext.jobRead(DOCUMENT, "Ibob", JOB, NOON);

    private static GrantCondition parse(Object json) {
        return ConditionParser.parse(json);
    }

    private static Map<String, Object> test(String selector, String operator, Object operand) {
        return Map.of(selector, Map.of(operator, operand));
    }

    private static Truth in(AccessContext context, Object json) {
        return parse(json).evaluate(context);
    }

    private static String refusal(Object json) {
        return assertThrows(InvalidCondition.class, () -> parse(json)).getMessage();
    }

    @Test
    void textSelectorsCompareWithEqNeInNin() {
        assertEquals(Truth.TRUE, in(DIRECT, test("identity.id", "$eq", "Ibob")));
        assertEquals(Truth.FALSE, in(DIRECT, test("identity.id", "$ne", "Ibob")));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.id", "$in", List.of("Dother", "Dreport"))));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.creator", "$nin", List.of("Ibob"))));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.owner", "$eq", "Ialice")));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.title", "$eq", "Q2 report")));
    }

    @Test
    void nullableSelectorsCompareWithNull() {
        var uploaded = Map.of("document.originatingJob", nullOperand("$eq"));
        assertEquals(Truth.TRUE, in(DIRECT, uploaded), "an uploaded document has no originating job");
        assertEquals(Truth.FALSE, in(DIRECT, test("document.originatingJob", "$eq", "Jone")));
        assertEquals(Truth.TRUE, in(DIRECT, Map.of("document.title", nullOperand("$ne"))));
    }

    private static Map<String, Object> nullOperand(String operator) {
        var operators = new java.util.HashMap<String, Object>();
        operators.put(operator, null);
        return operators;
    }

    @Test
    void tagsTakeSetOperators() {
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$contains", "q2")));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$intersects", List.of("q2", "hr"))));
        assertEquals(Truth.FALSE, in(DIRECT, test("document.tags", "$superset", List.of("q2", "hr"))));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$subset", List.of("q2", "finance", "hr"))));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$eq", "finance")), "any element, as in MongoDB");
        assertEquals(Truth.FALSE, in(DIRECT, test("document.tags", "$ne", "finance")));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$in", List.of("hr", "q2"))));
        assertEquals(Truth.TRUE, in(DIRECT, test("document.tags", "$nin", List.of("hr"))));
    }

    @Test
    void accessTimeComparesInstants() {
        assertEquals(Truth.TRUE, in(DIRECT, test("accessTime", "$gte", "2026-06-01T12:00:00Z")));
        assertEquals(Truth.FALSE, in(DIRECT, test("accessTime", "$gt", "2026-06-01T12:00:00Z")));
        assertEquals(Truth.TRUE, in(DIRECT, test("accessTime", "$lt", "2026-06-01T14:00:00+01:00")));
        assertEquals(Truth.TRUE, in(DIRECT, test("accessTime", "$lte", "2026-06-01T12:00:00Z")));
        assertEquals(Truth.TRUE, in(DIRECT, Map.of("accessTime",
                Map.of("$gte", "2026-01-01T00:00:00Z", "$lt", "2027-01-01T00:00:00Z"))), "a window: both must hold");
    }

    @Test
    void jobSelectorsSeeTheReadingJob() {
        assertEquals(Truth.TRUE, in(IN_JOB, test("job.spec.image", "$eq", "acme/analytics:1")));
        assertEquals(Truth.TRUE, in(IN_JOB, test("job.spec.inputs", "$contains",
                Map.of("mountPath", "report.csv", "id", "Dreport"))));
        assertEquals(Truth.TRUE, in(IN_JOB, test("job.spec.outputs", "$eq", Map.of("mountPath", "out.csv"))));
        assertEquals(Truth.FALSE, in(IN_JOB, test("job.spec.outputs", "$intersects",
                List.of(Map.of("mountPath", "elsewhere.csv")))));
        assertEquals(Truth.TRUE, in(IN_JOB, test("worker.id", "$eq", "worker-a")));
    }

    @Test
    void jobSelectorNeverMatchesDirectDownload() {
        assertEquals(Truth.UNKNOWN, in(DIRECT, test("job.spec.image", "$eq", "acme/analytics:1")));
        assertEquals(Truth.UNKNOWN, in(DIRECT, test("job.spec.image", "$ne", "evil/exfiltrate")));
        assertEquals(Truth.UNKNOWN, in(DIRECT, test("worker.id", "$ne", "worker-a")));
    }

    @Test
    void negatedJobSelectorStillNeverMatchesDirectDownload() {
        var notEvil = Map.of("$not", test("job.spec.image", "$eq", "evil/exfiltrate"));
        assertFalse(parse(notEvil).holdsFor(DIRECT));
        assertFalse(parse(Map.of("$nor", List.of(test("job.spec.image", "$eq", "x")))).holdsFor(DIRECT));
        assertTrue(parse(notEvil).holdsFor(IN_JOB));
    }

    @Test
    void unknownOnlyMattersWhereItDecides() {
        var eitherBobOrJob = Map.of("$or", List.of(test("identity.id", "$eq", "Ibob"),
                test("job.spec.image", "$eq", "acme/analytics:1")));
        assertTrue(parse(eitherBobOrJob).holdsFor(DIRECT));
        var bobAndJob = Map.of("$and", List.of(test("identity.id", "$eq", "Ibob"),
                test("job.spec.image", "$eq", "acme/analytics:1")));
        assertFalse(parse(bobAndJob).holdsFor(DIRECT));
        assertTrue(parse(bobAndJob).holdsFor(IN_JOB));
        var notCarol = Map.of("$and", List.of(test("identity.id", "$eq", "Icarol"),
                test("job.spec.image", "$eq", "acme/analytics:1")));
        assertEquals(Truth.FALSE, in(DIRECT, notCarol), "a definite false wins over unknown");
    }

    @Test
    void unknownSelectorsAndOperatorsAreRefusedNotReadAsFalse() {
        assertEquals("condition: unknown selector document.colour", refusal(test("document.colour", "$eq", "red")));
        assertEquals("condition.document.id: unknown operator $regex", refusal(test("document.id", "$regex", ".*")));
        assertEquals("condition: unknown logical operator $xor", refusal(Map.of("$xor", List.of())));
        assertEquals("condition.document.id: operator $gt does not apply to document.id",
                refusal(test("document.id", "$gt", "D1")));
        assertEquals("condition.identity.id: operator $contains does not apply to identity.id",
                refusal(test("identity.id", "$contains", "I")));
    }

    @Test
    void operandsOfTheWrongTypeAreRefusedNamingWhere() {
        assertEquals("condition.identity.id.$eq: expects a string or null", refusal(test("identity.id", "$eq", 7)));
        assertEquals("condition.document.id.$in: expects an array", refusal(test("document.id", "$in", "D1")));
        assertEquals("condition.document.tags.$intersects[1]: expects a string",
                refusal(test("document.tags", "$intersects", List.of("a", 2))));
        assertTrue(refusal(test("accessTime", "$gt", "yesterday")).startsWith("condition.accessTime.$gt: expects an"
                + " ISO-8601 timestamp"));
        assertTrue(refusal(test("job.spec.inputs", "$contains", "Dreport"))
                .startsWith("condition.job.spec.inputs.$contains: expects an object"));
    }

    @Test
    void malformedTreesAreRefused() {
        assertTrue(refusal("document.id").startsWith("condition: must be an object with exactly one key"));
        assertTrue(refusal(Map.of("identity.id", Map.of("$eq", "a"), "document.id", Map.of("$eq", "b")))
                .startsWith("condition: must be an object with exactly one key"));
        assertEquals("condition.$and: must be a non-empty array of conditions", refusal(Map.of("$and", List.of())));
        assertEquals("condition.$or[0]: must be an object with exactly one key: a selector, or one of $and, $or,"
                + " $nor, $not", refusal(Map.of("$or", List.of(List.of()))));
        assertTrue(refusal(Map.of("identity.id", "Ibob")).startsWith("condition.identity.id: must be an object of"
                + " operators"));
        Object deep = test("identity.id", "$eq", "Ibob");
        for (int i = 0; i < 40; i++) {
            deep = Map.of("$not", deep);
        }
        assertTrue(refusal(deep).endsWith("nested more than 32 levels deep"));
    }
}
