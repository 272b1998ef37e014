package dev.parcel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark's result: a table printed to the terminal and appended to BENCHMARKS.md with the date, the machine
 * and the command that produced it, so every number in that file says where it came from.
 */
final class Report {
    private final String title;
    private final String command;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(String title, String command, String... header) {
        this.title = title;
        this.command = command;
        this.header = List.of(header);
    }

    Report row(Object... cells) {
        rows.add(java.util.Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    Report note(String note) {
        notes.add(note);
        return this;
    }

    /** Prints the table and appends it to {@code file}. */
    void publish(Path file) throws IOException {
        var text = new StringBuilder();
        text.append("\n### ").append(title).append('\n').append('\n')
                .append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n')
                .append("- machine: ").append(machine()).append('\n')
                .append("- command: `").append(command).append("`\n\n")
                .append("| ").append(String.join(" | ", header)).append(" |\n")
                .append("|").append("---|".repeat(header.size())).append('\n');
        rows.forEach(row -> text.append("| ").append(String.join(" | ", row)).append(" |\n"));
        notes.forEach(note -> text.append('\n').append(note).append('\n'));
        System.out.print(text);
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String machine() {
        long memoryKib = 0;
        try {
            memoryKib = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(0);
        } catch (IOException ignored) {
            // not Linux: memory unknown
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + (memoryKib >> 20) + " GiB, Java "
                + System.getProperty("java.version");
    }
}
