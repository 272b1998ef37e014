package dev.parcel.web;

import dev.parcel.tokens.JobTokens;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The identity the current request's bearer token proved, set by {@link BearerTokenFilter}; with a job token, also
 * the job it acts for.
 */
@RequestScoped
public class Caller {
    private String identityId;
    private JobTokens.JobClaims job;

    public void authenticatedAs(String identityId) {
        this.identityId = identityId;
    }

    /** A job token: the job's submitter, in the context of that job. */
    public void authenticatedAs(JobTokens.JobClaims job) {
        this.identityId = job.submitter();
        this.job = job;
    }

    /** The job this request is made for, when it came with a job token. */
    public Optional<JobTokens.JobClaims> job() {
        return Optional.ofNullable(job);
    }

    public String identityId() {
        if (identityId == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return identityId;
    }
}
