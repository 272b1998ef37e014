package dev.parcel.scheduler.messaging;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether the broker answers now. The lease check asks before it takes any worker's jobs: while the broker is away
 * no heartbeat can arrive, and silence then says nothing about the workers.
 */
@ApplicationScoped
public class BrokerProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Admin admin;

    BrokerProbe(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
    }

    /**
     * The answer comes back on the caller's Vert.x context: the admin client completes on a thread of its own, where
     * a reactive database session that follows could not run.
     */
    public Uni<Boolean> answers() {
        Context caller = Vertx.currentContext();
        Uni<Boolean> answer = Uni.createFrom()
                .completionStage(() -> admin.describeCluster(new DescribeClusterOptions()
                        .timeoutMs((int) TIMEOUT.toMillis())).clusterId().toCompletionStage())
                .replaceWith(true)
                .onFailure().recoverWithItem(false);
        return caller == null ? answer : answer.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ZERO);
    }
}
