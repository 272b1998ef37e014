package dev.parcel.documents.domain;

import java.util.Collection;

/**
 * Who may read a document: its owner, or the grantee of a grant made by its owner whose condition holds in this
 * read's context. Everyone else is refused, and is told the same as for a document that does not exist.
 */
public final class AccessDecision {
    private AccessDecision() {
    }

    public static boolean mayRead(AccessContext context, Collection<Grant> grants) {
        String owner = context.document().owner();
        if (owner.equals(context.accessor())) {
            return true;
        }
        return grants.stream().anyMatch(grant -> grant.granter().equals(owner)
                && grant.appliesTo(context.accessor())
                && (grant.condition() == null || grant.condition().holdsFor(context)));
    }
}
