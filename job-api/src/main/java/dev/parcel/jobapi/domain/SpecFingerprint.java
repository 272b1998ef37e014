package dev.parcel.jobapi.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.parcel.events.JobSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a repeated submission is compared by: the SHA-256 of the parsed spec written as canonical JSON (fields and
 * map keys sorted, absent and null alike left out). Two bodies that parse to the same spec have the same fingerprint
 * whatever their whitespace, field order or unknown fields; any difference in what the job would do changes it.
 */
public final class SpecFingerprint {
    /** Its own mapper: the application's may change (inclusion, modules) and must not change stored fingerprints. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private SpecFingerprint() {
    }

    /** Lower-case hex, 64 characters. */
    public static String of(JobSpec spec) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("job spec cannot be fingerprinted", e);
        }
    }
}
