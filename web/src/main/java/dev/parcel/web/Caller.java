package dev.parcel.web;

import jakarta.enterprise.context.RequestScoped;

/** The identity the current request's bearer token proved, set by {@link BearerTokenFilter}. */
@RequestScoped
public class Caller {
    private String identityId;

    public void authenticatedAs(String identityId) {
        this.identityId = identityId;
    }

    public String identityId() {
        if (identityId == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return identityId;
    }
}
