package dev.parcel.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.parcel.events.MemoryNotation;
import dev.parcel.executor.config.ExecutorConfig;
import dev.parcel.executor.domain.OutputLimitExceeded;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.jboss.logging.Logger;

/**
 * A job's data directories: a volume per attempt for /parcel/data/in (read-only to the job, and nothing in it runs)
 * and one for /parcel/data/out (writable). An executor on the engine's host fills and reads them in their
 * directories; one in a container, which cannot see those, goes through the Docker archive API (a stager container
 * for the inputs, a copy out of the job's container for the outputs), which costs a few engine round trips more
 * ({@code bench/run overhead}).
 *
 * <p>The inputs are staged into a plain volume and the job sees them through a second volume, a bind of the first
 * that the engine's local driver mounts {@code ro,noexec,nosuid,nodev}. The job's mount is not marked read-only
 * itself: the engine would then remount it read-only and so drop noexec, while a plain bind keeps the flags.
 */
@ApplicationScoped
public class JobVolumes {
    public static final String IN = "/parcel/data/in";
    public static final String OUT = "/parcel/data/out";
    private static final Logger LOG = Logger.getLogger(JobVolumes.class);
    private static final String STAGED = "-staged";

    private final DockerClient docker;
    private final DocumentStoreClient documents;
    private final Map<String, String> ownLabel;
    private final long maxOutputBytes;

    JobVolumes(DockerEngine engine, DocumentStoreClient documents, ExecutorConfig config) {
        this.docker = engine.client();
        this.documents = documents;
        this.ownLabel = Map.of(JobContainers.LABEL_WORKER, config.workerId());
        this.maxOutputBytes = MemoryNotation.parseBytes(config.maxOutputSize());
    }

    /**
     * Makes the input volumes and returns the mounts the job's container gets. Docker creates the output volume
     * with the container; every volume is labelled with this worker, so that a restarted executor finds the ones
     * left behind.
     */
    public List<Mount> mountsFor(JobScheduled job) {
        String staged = docker.createVolumeCmd().withName(stagedVolume(job)).withLabels(ownLabel).exec()
                .getMountpoint();
        docker.createVolumeCmd().withName(inVolume(job)).withLabels(ownLabel).withDriver("local")
                .withDriverOpts(Map.of("type", "none", "o", "bind,ro,noexec,nosuid,nodev", "device", staged))
                .exec();
        return List.of(
                new Mount().withType(MountType.VOLUME).withSource(inVolume(job)).withTarget(IN),
                new Mount().withType(MountType.VOLUME).withSource(outVolume(job)).withTarget(OUT)
                        .withVolumeOptions(new VolumeOptions().withLabels(ownLabel)));
    }

    /**
     * Removes this worker's job volumes that no container uses any more; a staged input volume only once the
     * volume that shows it to its job is gone.
     */
    public void removeUnused() {
        var listed = docker.listVolumesCmd()
                .withFilter("label", List.of(JobContainers.LABEL_WORKER + "=" + ownLabel.get(JobContainers.LABEL_WORKER)))
                .exec().getVolumes();
        var names = (listed == null ? List.<InspectVolumeResponse>of() : listed).stream()
                .map(InspectVolumeResponse::getName).toList();
        var stillThere = new HashSet<String>();
        for (String name : names) {
            if (!name.endsWith(STAGED) && !removeIfUnused(name)) {
                stillThere.add(name);
            }
        }
        for (String name : names) {
            if (name.endsWith(STAGED) && !stillThere.contains(name.substring(0, name.length() - STAGED.length()))) {
                removeIfUnused(name);
            }
        }
    }

    /** Whether the volume is gone now. */
    private boolean removeIfUnused(String volume) {
        try {
            docker.removeVolumeCmd(volume).exec();
            LOG.infof("removed leftover volume %s", volume);
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (ConflictException inUse) {
            return false;
        } catch (RuntimeException e) {
            LOG.warnf("could not remove volume %s: %s", volume, e.getMessage());
            return false;
        }
    }

    /**
     * Downloads every input with the job's token and puts it at its mount path in the staged volume, which the job
     * sees read-only.
     */
    public void stageInputs(JobScheduled job, String jobToken)
            throws IOException, InterruptedException, DocumentStoreClient.NotReadable {
        var staged = directoryOnThisHost(stagedVolume(job));
        if (staged.isPresent()) {
            for (JobSpec.InputDocument input : job.spec().inputDocuments()) {
                Path file = within(staged.get(), input.mountPath());
                Files.createDirectories(file.getParent());
                documents.download(input.id(), jobToken, file);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
            }
        } else {
            stageThroughTheEngine(job, jobToken);
        }
    }

    /** Docker copies only into a container, so a stager container that is never started holds the staged volume. */
    private void stageThroughTheEngine(JobScheduled job, String jobToken)
            throws IOException, InterruptedException, DocumentStoreClient.NotReadable {
        Path work = Files.createTempDirectory("parcel-stage-");
        String stager = null;
        try {
            Path archive = work.resolve("inputs.tar");
            try (OutputStream out = Files.newOutputStream(archive); var tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (JobSpec.InputDocument input : job.spec().inputDocuments()) {
                    Path file = work.resolve("input");
                    documents.download(input.id(), jobToken, file);
                    var entry = new TarArchiveEntry(input.mountPath());
                    entry.setSize(Files.size(file));
                    entry.setMode(0100444);
                    tar.putArchiveEntry(entry);
                    Files.copy(file, tar);
                    tar.closeArchiveEntry();
                    Files.delete(file);
                }
            }
            stager = docker.createContainerCmd(job.spec().image())
                    .withName("parcel-stage-" + job.jobId() + "-" + job.attempt())
                    .withLabels(ownLabel)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withMounts(List.of(
                            new Mount().withType(MountType.VOLUME).withSource(stagedVolume(job)).withTarget("/stage"))))
                    .exec().getId();
            try (InputStream in = Files.newInputStream(archive)) {
                docker.copyArchiveToContainerCmd(stager).withTarInputStream(in).withRemotePath("/stage").exec();
            }
        } finally {
            if (stager != null) {
                removeContainer(stager);
            }
            deleteRecursively(work);
        }
    }

    /**
     * Uploads every declared output the job left as a regular file, owned by the spec's owner or else the
     * submitter. Missing outputs are skipped, and so is anything that is not a regular file, or is reached through
     * a link (a link out of the volume, say). Each upload is keyed by the attempt and the output's path, so
     * collecting again after a crash makes no second document. The outputs together may hold at most the worker's
     * output limit: an output that would pass it is not uploaded, nor is any other ({@link OutputLimitExceeded}).
     * Called once the job's container has exited, so nothing changes the files while they are read.
     */
    public List<JobCompleted.OutputDocument> collectOutputs(JobScheduled job, String containerId, String jobToken)
            throws IOException, InterruptedException {
        var collected = new ArrayList<JobCompleted.OutputDocument>();
        if (job.spec().outputDocuments() == null) {
            return collected;
        }
        var out = directoryOnThisHost(outVolume(job));
        // Only outputs copied out through the engine need a place of their own before they are uploaded.
        Path work = out.isPresent() ? null : Files.createTempDirectory("parcel-outputs-");
        try {
            var found = new LinkedHashMap<JobSpec.OutputDocument, Path>();
            long left = maxOutputBytes;
            for (JobSpec.OutputDocument output : job.spec().outputDocuments()) {
                Optional<Path> file = out.isPresent() ? regularFileIn(out.get(), output.mountPath())
                        : copyOut(containerId, OUT + "/" + output.mountPath(), work.resolve("output-" + found.size()),
                                left, output.mountPath());
                if (file.isPresent()) {
                    left -= Files.size(file.get());
                    if (left < 0) {
                        throw new OutputLimitExceeded(output.mountPath(), maxOutputBytes);
                    }
                    found.put(output, file.get());
                }
            }
            for (var output : found.entrySet()) {
                String owner = output.getKey().owner() == null ? job.submitter() : output.getKey().owner();
                String idempotencyKey = job.jobId() + "/" + job.attempt() + "/" + output.getKey().mountPath();
                collected.add(new JobCompleted.OutputDocument(documents.upload(output.getValue(), owner, jobToken,
                        idempotencyKey), output.getKey().mountPath()));
            }
        } finally {
            if (work != null) {
                deleteRecursively(work);
            }
        }
        return collected;
    }

    /** Removes the attempt's volumes, the inputs' view before what it shows; called when the attempt ends. */
    public void remove(JobScheduled job) {
        for (String volume : List.of(inVolume(job), stagedVolume(job), outVolume(job))) {
            try {
                docker.removeVolumeCmd(volume).exec();
            } catch (NotFoundException gone) {
                // never created, or already removed
            } catch (RuntimeException e) {
                LOG.warnf("could not remove volume %s: %s", volume, e.getMessage());
            }
        }
    }

    /**
     * The volume's directory, when this executor shares the engine's file system (it runs on the engine's host);
     * empty when it runs in a container of its own, which does not see it.
     */
    private Optional<Path> directoryOnThisHost(String volume) throws IOException {
        Path directory = Path.of(docker.inspectVolumeCmd(volume).exec().getMountpoint());
        return Files.isDirectory(directory) ? Optional.of(directory.toRealPath()) : Optional.empty();
    }

    /** Where a spec's mount path puts a file in a directory; mount paths never leave it (JobSpecRules). */
    private static Path within(Path directory, String mountPath) {
        Path file = directory.resolve(mountPath).normalize();
        if (!file.startsWith(directory) || file.equals(directory)) {
            throw new IllegalArgumentException("mount path " + mountPath + " leaves its directory");
        }
        return file;
    }

    /** The output at its mount path, if it is a regular file reached through no link. */
    private static Optional<Path> regularFileIn(Path directory, String mountPath) throws IOException {
        Path file = within(directory, mountPath);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !file.toRealPath().equals(file)) {
            return Optional.empty();
        }
        return Optional.of(file);
    }

    /** Copies the output out of the container; empty when there is no regular file at {@code path}. */
    private Optional<Path> copyOut(String containerId, String path, Path into, long atMost, String output)
            throws IOException {
        try (InputStream archive = docker.copyArchiveFromContainerCmd(containerId, path).exec();
                var tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                return Optional.empty();
            }
            if (entry.getSize() > atMost) {
                throw new OutputLimitExceeded(output, maxOutputBytes);
            }
            Files.copy(tar, into);
            return Optional.of(into);
        } catch (NotFoundException missing) {
            return Optional.empty();
        }
    }

    private void removeContainer(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (RuntimeException e) {
            LOG.warnf("could not remove stager container %s: %s", containerId, e.getMessage());
        }
    }

    static String inVolume(JobScheduled job) {
        return "parcel-in-" + job.jobId() + "-" + job.attempt();
    }

    static String stagedVolume(JobScheduled job) {
        return inVolume(job) + STAGED;
    }

    static String outVolume(JobScheduled job) {
        return "parcel-out-" + job.jobId() + "-" + job.attempt();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
