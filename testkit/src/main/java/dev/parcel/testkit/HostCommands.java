package dev.parcel.testkit;

import java.io.IOException;
import java.util.List;

/** Host commands the tests use to look at (and to leave) what a job left: docker, iptables, ip. */
public final class HostCommands {
    private HostCommands() {
    }

    /** Runs a command to its end; its non-blank output lines, standard error included. */
    public static List<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            var lines = new String(process.getInputStream().readAllBytes()).lines()
                    .filter(line -> !line.isBlank()).toList();
            process.waitFor();
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static List<String> docker(String... arguments) {
        var command = new java.util.ArrayList<String>(List.of("docker"));
        command.addAll(List.of(arguments));
        return run(command);
    }
}
