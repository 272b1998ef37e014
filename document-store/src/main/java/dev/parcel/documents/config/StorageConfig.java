package dev.parcel.documents.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where document bytes are kept, and the key they are kept under. */
@ConfigMapping(prefix = "parcel.storage")
public interface StorageConfig {

    /** The blob directory; it holds only ciphertext. */
    @WithDefault(".parcel/blobs")
    Path blobDirectory();

    /**
     * The master key, 32 random bytes in base64 (`head -c 32 /dev/urandom | base64`). Every document's own key is
     * wrapped with it: keep it secret, and keep it, or the documents are lost. No default on purpose.
     */
    String masterKey();

    /**
     * How much of each job's logs is kept (M or G): past it the oldest part is dropped, and readers are told how
     * much.
     */
    @WithDefault("10M")
    String maxJobLogSize();
}
