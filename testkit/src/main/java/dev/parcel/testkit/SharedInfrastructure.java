package dev.parcel.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real Kafka broker and PostgreSQL cluster that {@code bin/parcel test} starts
 * once for the whole run (fresh, on their own ports), instead of starting one per test class.
 */
public class SharedInfrastructure implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("parcel.kafka.bootstrap", kafkaBootstrap(), "parcel.db.port", databasePort());
    }

    @Override
    public void stop() {
        // The broker and database belong to bin/parcel test, which stops them after the whole suite.
    }

    public static String kafkaBootstrap() {
        return required("PARCEL_TEST_KAFKA_BOOTSTRAP");
    }

    public static String databasePort() {
        return required("PARCEL_TEST_DB_PORT");
    }

    /** A JDBC URL for one service's database in the shared cluster (its role has the database's name). */
    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + databasePort() + "/" + database + "?user=" + database;
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: these tests need the real broker and database"
                    + " that `bin/parcel test` starts. Run the suite with `bin/parcel test` (extra arguments go to"
                    + " Maven), or start them with `bin/parcel infra` and export the variables it prints as"
                    + " PARCEL_TEST_KAFKA_BOOTSTRAP and PARCEL_TEST_DB_PORT.");
        }
        return value;
    }
}
