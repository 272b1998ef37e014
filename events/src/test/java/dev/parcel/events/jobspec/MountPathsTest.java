package dev.parcel.events.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountPathsTest {

    @Test
    void relativePathsInsideTheirDirectoryAreAccepted() {
        for (String path : new String[] {"in.csv", "data/2026/in.csv", "a.b/c..d"}) {
            assertEquals(Optional.empty(), MountPaths.problemWith(path), path);
        }
    }

    @Test
    void pathsThatCouldLeaveTheirDirectoryAreRefused() {
        for (String path : new String[] {"", "/etc/passwd", "../secret", "a/../../b", "a//b", "./a", "a/", "a\0b"}) {
            assertTrue(MountPaths.problemWith(path).isPresent(), path);
        }
    }
}
