package dev.parcel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parcel.testkit.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The published Parcel client ({@code @oasislabs/parcel} 1.0.0-beta.24, from the npm registry, pinned by
 * {@code compat/package-lock.json}) drives the platform unchanged: {@code compat/parcel-client.test.mjs}, run
 * with Node's test runner against the platform bin/parcel started.
 */
@ExtendWith(LocalPlatform.class)
class ParcelClientCompatibilityIT {
    private static final Path COMPAT = LocalPlatform.root().resolve("compat");

    @Test
    void publishedClientWorksUnchanged() throws Exception {
        assertPublishedClientWorks(LocalPlatform.apiUrl(), "node-test.out");
    }

    /** Runs the published client's flow against the platform at {@code apiUrl}; its output goes to compat/target. */
    static void assertPublishedClientWorks(String apiUrl, String output) throws IOException, InterruptedException {
        String image = TestImages.busybox();
        if (!Files.isDirectory(COMPAT.resolve("node_modules/@oasislabs/parcel"))) {
            assertEquals(0, run(List.of("npm", "ci", "--no-audit", "--no-fund"), "npm-ci.out", apiUrl, image),
                    "npm ci failed; see " + COMPAT.resolve("target/npm-ci.out"));
        }

        int exit = run(List.of("node", "--test", "parcel-client.test.mjs"), output, apiUrl, image);

        System.out.println(Files.readString(COMPAT.resolve("target").resolve(output)));
        assertEquals(0, exit, "the Parcel client's flow failed; see " + COMPAT.resolve("target").resolve(output));
    }

    private static int run(List<String> command, String output, String apiUrl, String image) throws IOException,
            InterruptedException {
        Files.createDirectories(COMPAT.resolve("target"));
        var builder = new ProcessBuilder(command).directory(COMPAT.toFile()).redirectErrorStream(true)
                .redirectOutput(COMPAT.resolve("target").resolve(output).toFile());
        builder.environment().put("PARCEL_API_URL", apiUrl);
        builder.environment().put("PARCEL_STORAGE_URL", apiUrl + "/storage");
        builder.environment().put("PARCEL_TEST_IMAGE", image);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        return process.exitValue();
    }
}
