package dev.parcel.documents.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedBlobStoreTest {
    private static final byte[] MARKER = "TOP-SECRET-PATIENT-RECORD".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;
    private byte[] masterKey;
    private EncryptedBlobStore store;

    @BeforeEach
    void openStore() throws Exception {
        masterKey = randomBytes(32);
        store = new EncryptedBlobStore(new LocalDirectoryBlobStore(directory), masterKey);
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private byte[] roundTrip(byte[] content) throws IOException {
        assertEquals(content.length, store.write("blob", new ByteArrayInputStream(content)));
        try (InputStream in = store.read("blob")) {
            return in.readAllBytes();
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.toList();
        }
    }

    @Test
    void contentComesBackByteIdenticalWhateverItsSize() throws IOException {
        for (int size : new int[] {0, 1, (64 << 10) - 1, 64 << 10, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17}) {
            byte[] content = randomBytes(size);
            assertArrayEquals(content, roundTrip(content), "size " + size);
        }
    }

    @Test
    void blobsOfTheFirstFormatStillRead() throws Exception {
        var firstFormat = new EncryptedBlobStore(new LocalDirectoryBlobStore(directory), masterKey, 1);
        byte[] content = randomBytes(3 * (1 << 20) + 17);
        firstFormat.write("blob", new ByteArrayInputStream(content));
        assertEquals(1, Files.readAllBytes(directory.resolve("blob"))[0]);
        try (InputStream in = store.read("blob")) {
            assertArrayEquals(content, in.readAllBytes());
        }
        store.write("newer", new ByteArrayInputStream(content));
        assertEquals(EncryptedBlobStore.CURRENT_FORMAT, Files.readAllBytes(directory.resolve("newer"))[0]);
    }

    @Test
    void blobDirectoryAloneRevealsNothing() throws IOException {
        byte[] content = new byte[4096];
        for (int i = 0; i + MARKER.length <= content.length; i += MARKER.length) {
            System.arraycopy(MARKER, 0, content, i, MARKER.length);
        }
        roundTrip(content);

        byte[] stored = Files.readAllBytes(directory.resolve("blob"));
        assertFalse(contains(stored, Arrays.copyOf(MARKER, 8)), "no plaintext in the stored blob");
        assertFalse(contains(stored, Arrays.copyOf(masterKey, 8)), "no master key in the stored blob");
    }

    @Test
    void alteredBlobFailsInsteadOfYieldingAlteredBytes() throws IOException {
        roundTrip(randomBytes(2 * (1 << 20)));
        Path blob = directory.resolve("blob");
        byte[] stored = Files.readAllBytes(blob);
        stored[stored.length / 2] ^= 1;
        Files.write(blob, stored);

        assertThrows(IOException.class, () -> {
            try (InputStream in = store.read("blob")) {
                in.readAllBytes();
            }
        });
    }

    @Test
    void blobCopiedUnderAnotherIdDoesNotDecrypt() throws IOException {
        roundTrip(MARKER);
        Files.copy(directory.resolve("blob"), directory.resolve("other"));

        assertThrows(IOException.class, () -> store.read("other").readAllBytes());
    }

    @Test
    void anotherMasterKeyCannotReadIt() throws Exception {
        roundTrip(MARKER);
        var stranger = new EncryptedBlobStore(new LocalDirectoryBlobStore(directory), randomBytes(32));

        assertThrows(IOException.class, () -> stranger.read("blob"));
    }

    @Test
    void uploadInterruptedHalfWayLeavesNoBlob() throws IOException {
        InputStream breaksOff = new SequenceInputStream(new ByteArrayInputStream(randomBytes(3 << 20)),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("client went away");
                    }
                });

        assertThrows(IOException.class, () -> store.write("blob", breaksOff));
        assertTrue(files().isEmpty(), "nothing left behind: " + files());
        assertThrows(IOException.class, () -> store.read("blob"));
    }

    @Test
    void deletingRemovesTheBlobAndIsIdempotent() throws IOException {
        roundTrip(MARKER);
        store.delete("blob");
        store.delete("blob");
        assertTrue(files().isEmpty());
    }

    @Test
    void masterKeyMustBe32Bytes() {
        assertThrows(java.security.GeneralSecurityException.class,
                () -> new EncryptedBlobStore(new LocalDirectoryBlobStore(directory), new byte[16]));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
