package dev.parcel.documents.domain;

/**
 * Permission from {@code granter} to {@code grantee} (an identity id, or {@link #EVERYONE}) to read the granter's
 * documents while {@code condition} holds; a null condition always holds.
 */
public record Grant(String id, String granter, String grantee, GrantCondition condition) {
    public static final String EVERYONE = "everyone";

    boolean appliesTo(String accessor) {
        return EVERYONE.equals(grantee) || grantee.equals(accessor);
    }
}
