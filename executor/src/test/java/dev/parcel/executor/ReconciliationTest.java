package dev.parcel.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parcel.events.JobCompleted;
import dev.parcel.events.JobPhase;
import dev.parcel.events.JobScheduled;
import dev.parcel.events.JobSpec;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.HostCommands;
import dev.parcel.testkit.SharedInfrastructure;
import dev.parcel.testkit.TestImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a restarted executor finds is what a crashed one left: job containers that exited or still run, a stager,
 * volumes, a network and firewall chains of jobs that are gone. The test leaves them as a crash of an executor
 * that kept no journal would, then runs the recovery a start runs: the containers are taken back from their labels.
 */
@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class ReconciliationTest {
    private static final String THIS_WORKER = "executor-under-test";
    private static final String WORKER_LABEL = "dev.parcel.worker-id=" + THIS_WORKER;

    @Inject
    JobRunner runner;

    @Inject
    ObjectMapper json;

    private JobScheduled placement(String script) {
        String jobId = "J" + UUID.randomUUID();
        return JobScheduled.of(jobId, 1, THIS_WORKER, "Isubmitter", 0.5, 64L << 20,
                new JobSpec("left", TestImages.busybox(), List.of("-c", script), null, null, null, null, null, null));
    }

    /** A job container as the executor makes it, started with {@code docker run}: detached or to its end. */
    private void leaveContainer(JobScheduled job, boolean detached) throws IOException {
        var command = new ArrayList<>(List.of("docker", "run"));
        if (detached) {
            command.add("-d");
        }
        command.addAll(List.of("--name", "parcel-job-" + job.jobId() + "-1",
                "--label", "dev.parcel.job-id=" + job.jobId(), "--label", "dev.parcel.attempt=1",
                "--label", WORKER_LABEL, "--label", "dev.parcel.placement=" + json.writeValueAsString(job),
                TestImages.busybox()));
        command.addAll(job.spec().cmd());
        HostCommands.run(command);
    }

    @Test
    void restartedExecutorFinishesItsJobsAndRemovesWhatNothingUses() throws IOException {
        var exitedWhileDown = placement("exit 5");
        leaveContainer(exitedWhileDown, false);
        var stillRunning = placement("sleep 2");
        leaveContainer(stillRunning, true);
        String leftover = "X" + UUID.randomUUID();
        HostCommands.run(List.of("docker", "create", "--name", "parcel-stage-" + leftover, "--label", WORKER_LABEL,
                TestImages.busybox()));
        HostCommands.run(List.of("docker", "volume", "create", "--label", WORKER_LABEL, "parcel-in-" + leftover));
        HostCommands.run(List.of("docker", "network", "create", "--label", WORKER_LABEL, "parcel-net-" + leftover));
        HostCommands.run(List.of("iptables", "-N", "PARCEL-0123456789ab-OUT"));

        runner.recover();

        var exited = completion(exitedWhileDown);
        assertEquals(JobPhase.Failed, exited.phase());
        assertEquals(5, exited.exitCode());
        var finished = completion(stillRunning);
        assertEquals(JobPhase.Succeeded, finished.phase(), finished.message());
        assertTrue(HostCommands.run(List.of("docker", "ps", "-aq", "--filter", "label=" + WORKER_LABEL)).isEmpty(),
                "no container of this worker is left");
        assertTrue(HostCommands.run(List.of("docker", "volume", "ls", "-q", "--filter", "label=" + WORKER_LABEL)).isEmpty(),
                "no volume of this worker is left");
        assertTrue(HostCommands.run(List.of("docker", "network", "ls", "-q", "--filter", "label=" + WORKER_LABEL)).isEmpty(),
                "no network of this worker is left");
        assertTrue(HostCommands.run(List.of("iptables", "-S")).stream().noneMatch(rule -> rule.contains("PARCEL-0123456789ab")),
                "no firewall chain of a network that is gone is left");
    }

    private static JobCompleted completion(JobScheduled job) {
        return EventBusProbe.await(Topics.JOB_COMPLETED, JobCompleted.class, e -> e.jobId().equals(job.jobId()),
                Duration.ofSeconds(60));
    }
}
