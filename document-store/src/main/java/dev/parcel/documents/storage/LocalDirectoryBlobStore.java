package dev.parcel.documents.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Blobs as files in one directory. A write goes to a temporary file that is renamed into place only when complete,
 * so readers never see half a blob and a failed write leaves only a temporary file, which is deleted.
 */
public class LocalDirectoryBlobStore implements BlobStore {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final String PARTIAL_SUFFIX = ".partial";

    private final Path directory;

    public LocalDirectoryBlobStore(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    @Override
    public long write(String blobId, Content content) throws IOException {
        Path target = pathOf(blobId);
        Path partial = Files.createTempFile(directory, blobId + ".", PARTIAL_SUFFIX);
        try {
            long size;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 64 * 1024)) {
                size = content.writeTo(out);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return size;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public InputStream read(String blobId) throws IOException {
        return Files.newInputStream(pathOf(blobId));
    }

    @Override
    public void delete(String blobId) throws IOException {
        Files.deleteIfExists(pathOf(blobId));
    }

    private Path pathOf(String blobId) {
        if (!SAFE_ID.matcher(blobId).matches()) {
            throw new IllegalArgumentException("not a blob id: " + blobId);
        }
        return directory.resolve(blobId);
    }
}
