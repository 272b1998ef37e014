package dev.parcel.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Job images for tests. No registry is reachable, so they are built locally FROM scratch around Debian's static
 * busybox; building is cheap and idempotent (the layer cache makes a rebuild a no-op).
 */
public final class TestImages {
    public static final String BUSYBOX = "parcel-test/busybox:latest";
    public static final String BUSYBOX_WITHOUT_ENTRYPOINT = "parcel-test/busybox-no-entrypoint:latest";
    private static final Path STATIC_BUSYBOX = Path.of("/bin/busybox");
    private static final String BUSYBOX_LAYERS = """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            """;
    private static final java.util.Set<String> BUILT = new java.util.HashSet<>();

    private TestImages() {
    }

    /** An image whose ENTRYPOINT is {@code /bin/sh}, so a job's cmd is {@code ["-c", "..."]}. */
    public static String busybox() {
        return built(BUSYBOX, BUSYBOX_LAYERS + "ENTRYPOINT [\"/bin/sh\"]\n");
    }

    /** The same image as {@link #busybox()} under another name: "a job of another image". */
    public static String busyboxNamed(String tag) {
        return built(tag, BUSYBOX_LAYERS + "ENTRYPOINT [\"/bin/sh\"]\n");
    }

    /** The same files with no ENTRYPOINT, which Parcel refuses to run. */
    public static String busyboxWithoutEntrypoint() {
        return built(BUSYBOX_WITHOUT_ENTRYPOINT, BUSYBOX_LAYERS + "CMD [\"/bin/sh\"]\n");
    }

    private static synchronized String built(String tag, String dockerfile) {
        if (BUILT.add(tag)) {
            build(tag, dockerfile);
        }
        return tag;
    }

    private static void build(String tag, String dockerfile) {
        try {
            Path context = Files.createTempDirectory("parcel-test-image");
            Files.copy(STATIC_BUSYBOX, context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(context.resolve("Dockerfile"), dockerfile);
            var build = new ProcessBuilder("docker", "build", "-q", "-t", tag, context.toString())
                    .redirectErrorStream(true);
            build.environment().put("DOCKER_BUILDKIT", "0");
            Process process = build.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("building " + tag + " failed (is Debian's busybox-static"
                        + " installed and a Docker engine running?):\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("building " + tag + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
