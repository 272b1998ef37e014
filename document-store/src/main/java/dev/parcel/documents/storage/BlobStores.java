package dev.parcel.documents.storage;

import dev.parcel.documents.config.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Base64;

/** The service's blob store: the configured directory, encrypted under the configured master key. */
public class BlobStores {

    @Produces
    @ApplicationScoped
    BlobStore blobStore(StorageConfig config) throws IOException, GeneralSecurityException {
        byte[] masterKey;
        try {
            masterKey = Base64.getDecoder().decode(config.masterKey().trim());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("parcel.storage.master-key is not base64");
        }
        return new EncryptedBlobStore(new LocalDirectoryBlobStore(config.blobDirectory()), masterKey);
    }
}
