package dev.parcel.jobapi.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** The services behind the public edge. */
@ConfigMapping(prefix = "parcel.edge")
public interface EdgeConfig {

    /** Where /v1/storage, /v1/documents and /v1/grants are forwarded. */
    @WithDefault("http://127.0.0.1:8081")
    URI documentStoreUrl();
}
