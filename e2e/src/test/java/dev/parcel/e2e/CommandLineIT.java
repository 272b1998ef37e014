package dev.parcel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parcel.testkit.TestImages;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command line for people, {@code bin/parcel job ...}, against the running platform, as a shell user runs it. */
@ExtendWith(LocalPlatform.class)
class CommandLineIT {
    private static String me;

    @BeforeAll
    static void anIdentityOfMyOwn() {
        TestImages.busybox();
        var made = LocalPlatform.command("identity");
        assertEquals(0, made.exitStatus(), made.err());
        me = made.out().strip();
    }

    private static Path spec(String name, String script) throws IOException {
        Path file = Files.createTempFile(LocalPlatform.state(), name, ".json");
        Files.writeString(file, "{\"name\": \"" + name + "\", \"image\": \"" + TestImages.BUSYBOX
                + "\", \"cmd\": [\"-c\", \"" + script + "\"]}");
        return file;
    }

    private static LocalPlatform.Ran ok(String... arguments) {
        var ran = LocalPlatform.command(arguments);
        assertEquals(0, ran.exitStatus(), String.join(" ", arguments) + ": " + ran.out() + ran.err());
        return ran;
    }

    @Test
    void submitWatchAndReadTheLogsOfAJob() throws IOException {
        String id = ok("job", "submit", spec("hello", "echo hello from the job").toString()).out().strip();
        assertTrue(id.startsWith("J"), id);

        var watched = ok("job", "watch", id);
        assertTrue(watched.out().lines().anyMatch(line -> line.startsWith("Succeeded")), watched.out());

        assertTrue(ok("job", "logs", id).out().endsWith(" stdout hello from the job\n"));
        var got = ok("job", "get", id).out();
        assertTrue(got.contains("phase:    Succeeded (Completed, exit code 0)"), got);
        assertEquals(id, new JsonPath(ok("job", "get", id, "--json").out()).getString("id"));
        assertTrue(ok("job", "list").out().contains(id));
        assertTrue(ok("job", "get", id, "--as", me).out().contains(id));
    }

    @Test
    void watchFailsWhenTheJobDoesAndErrorsAreTheApisWords() throws IOException {
        String id = ok("job", "submit", spec("fails", "exit 4").toString()).out().strip();

        var watched = LocalPlatform.command("job", "watch", id);
        assertEquals(1, watched.exitStatus(), watched.out() + watched.err());
        assertTrue(watched.out().contains("command failed with exit code 4"), watched.out());

        var missing = LocalPlatform.command("job", "get", "Jnothing");
        assertEquals(1, missing.exitStatus());
        assertEquals("parcel: no job Jnothing (HTTP 404)\n", missing.err());
        var bad = LocalPlatform.command("job", "submit", spec("bad", "true").toString().replace(".json", ".missing"));
        assertEquals(1, bad.exitStatus());
        assertTrue(bad.err().startsWith("parcel: no file "), bad.err());
    }

    @Test
    void aRunningJobIsCancelled() throws IOException {
        String id = ok("job", "submit", spec("long", "sleep 120").toString()).out().strip();

        assertTrue(ok("job", "cancel", id).out().startsWith("terminated " + id));
        var watched = LocalPlatform.command("job", "watch", id);
        assertEquals(1, watched.exitStatus());
        assertTrue(watched.out().contains("terminated by its submitter"), watched.out());
    }
}
