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
    private static final Path STATIC_BUSYBOX = Path.of("/bin/busybox");
    private static boolean built;

    private TestImages() {
    }

    /** An image whose ENTRYPOINT is {@code /bin/sh}, so a job's cmd is {@code ["-c", "..."]}. */
    public static synchronized String busybox() {
        if (!built) {
            build();
            built = true;
        }
        return BUSYBOX;
    }

    private static void build() {
        try {
            Path context = Files.createTempDirectory("parcel-busybox-image");
            Files.copy(STATIC_BUSYBOX, context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(context.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    RUN ["/bin/busybox", "--install", "-s", "/bin"]
                    ENTRYPOINT ["/bin/sh"]
                    """);
            var build = new ProcessBuilder("docker", "build", "-q", "-t", BUSYBOX, context.toString())
                    .redirectErrorStream(true);
            build.environment().put("DOCKER_BUILDKIT", "0");
            Process process = build.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("building " + BUSYBOX + " failed (is Debian's busybox-static"
                        + " installed and a Docker engine running?):\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("building " + BUSYBOX + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
