package dev.parcel.documents.storage;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.AesGcmJce;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Encrypts every blob at rest under a key of its own. A blob is a header, {@code [format][key length][wrapped
 * key]}, followed by Tink's streaming AEAD (AES-256-GCM-HKDF) of the content, in 64 KiB segments (format 2) or
 * 1 MiB segments (format 1, still read). The blob's key is
 * wrapped with the master key (AES-256-GCM); both layers bind the blob id as associated data, so a blob copied
 * under another id does not decrypt. Segments are authenticated before any byte of them is released: an altered
 * blob fails the read and never yields altered bytes.
 */
public class EncryptedBlobStore implements BlobStore {
    /**
     * Format 2 has smaller segments than 1 because the JIT uses the CPU's GHASH instructions only once the method
     * that encrypts a segment has been called often enough: with 1 MiB segments, a fresh document-store stored its
     * first gigabytes at about 100 MB/s (BENCHMARKS.md, "Documents", 2026-12-01).
     */
    static final int CURRENT_FORMAT = 2;
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlobStore ciphertexts;
    private final AesGcmJce masterKey;
    private final int writtenFormat;
    private final int writtenSegmentBytes;

    /** @param masterKey 32 random bytes; losing it loses every document */
    public EncryptedBlobStore(BlobStore ciphertexts, byte[] masterKey) throws GeneralSecurityException {
        this(ciphertexts, masterKey, CURRENT_FORMAT);
    }

    /** Writes blobs in an older format: for the test that every format ever written still reads. */
    EncryptedBlobStore(BlobStore ciphertexts, byte[] masterKey, int writtenFormat) throws GeneralSecurityException {
        if (masterKey.length != KEY_BYTES) {
            throw new GeneralSecurityException("the master key must be " + KEY_BYTES + " bytes");
        }
        this.ciphertexts = ciphertexts;
        this.masterKey = new AesGcmJce(masterKey);
        this.writtenFormat = writtenFormat;
        this.writtenSegmentBytes = segmentBytes(writtenFormat);
    }

    @Override
    public long write(String blobId, Content content) throws IOException {
        byte[] blobKey = new byte[KEY_BYTES];
        RANDOM.nextBytes(blobKey);
        byte[] wrappedKey;
        StreamingAead aead;
        try {
            wrappedKey = masterKey.encrypt(blobKey, associatedData(blobId));
            aead = streaming(blobKey, writtenSegmentBytes);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not set up the blob's encryption", e);
        }
        return ciphertexts.write(blobId, out -> {
            var header = new DataOutputStream(out);
            header.writeByte(writtenFormat);
            header.writeShort(wrappedKey.length);
            header.write(wrappedKey);
            header.flush();
            try (OutputStream encrypting = aead.newEncryptingStream(keepOpen(out), associatedData(blobId))) {
                return content.writeTo(encrypting);
            } catch (GeneralSecurityException e) {
                throw new IOException("could not encrypt the blob", e);
            }
        });
    }

    @Override
    public InputStream read(String blobId) throws IOException {
        InputStream stored = ciphertexts.read(blobId);
        try {
            var in = new DataInputStream(stored);
            int format = in.readUnsignedByte();
            int segmentBytes = segmentBytes(format);
            byte[] wrapped = new byte[in.readUnsignedShort()];
            in.readFully(wrapped);
            byte[] blobKey = masterKey.decrypt(wrapped, associatedData(blobId));
            return streaming(blobKey, segmentBytes).newDecryptingStream(in, associatedData(blobId));
        } catch (GeneralSecurityException | EOFException e) {
            stored.close();
            throw new IOException("blob " + blobId + " does not decrypt: it was altered or is not this store's", e);
        } catch (IOException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    @Override
    public void delete(String blobId) throws IOException {
        ciphertexts.delete(blobId);
    }

    private static int segmentBytes(int format) throws GeneralSecurityException {
        return switch (format) {
            case 1 -> 1 << 20;
            case 2 -> 64 * 1024;
            default -> throw new GeneralSecurityException("unknown blob format " + format);
        };
    }

    private static StreamingAead streaming(byte[] blobKey, int segmentBytes) throws GeneralSecurityException {
        return new AesGcmHkdfStreaming(blobKey, "HmacSha256", KEY_BYTES, segmentBytes, 0);
    }

    private static byte[] associatedData(String blobId) {
        return ("parcel-blob:" + blobId).getBytes(StandardCharsets.UTF_8);
    }

    /** The encrypting stream closes what it wraps; the underlying store closes its own stream itself. */
    private static OutputStream keepOpen(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
