package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.TestImages;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One user's jobs through the public REST API of a platform started by {@code bin/parcel up}. */
@ExtendWith(LocalPlatform.class)
class JobFlowIT {
    private static SelfIssuedIdentity alice;

    @BeforeAll
    static void registerAlice() {
        TestImages.busybox();
        alice = PublicApi.register();
    }

    private static String submit(String name, String script) {
        return given().auth().oauth2(alice.token()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "image", TestImages.BUSYBOX, "cmd", List.of("-c", script)))
                .post("/compute/jobs")
                .then().statusCode(201).body("status.phase", equalTo("Pending"))
                .extract().path("id");
    }

    private static JsonPath finished(String jobId) {
        var status = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            status[0] = given().auth().oauth2(alice.token()).get("/compute/jobs/" + jobId + "/status")
                    .then().statusCode(200).extract().jsonPath();
            String phase = status[0].getString("status.phase");
            return phase.equals("Succeeded") || phase.equals("Failed");
        });
        return status[0];
    }

    @Test
    void echoJobSucceeds() {
        long submitted = System.nanoTime();
        String id = submit("echo", "echo hi");

        var status = finished(id);

        System.out.printf("submit-to-Succeeded latency of a trivial job: %d ms%n",
                (System.nanoTime() - submitted) / 1_000_000);
        org.junit.jupiter.api.Assertions.assertEquals("Succeeded", status.getString("status.phase"),
                status.getString("status.message"));
        given().auth().oauth2(alice.token()).get("/compute/jobs/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("spec.cmd[1]", equalTo("echo hi"))
                .body("status.phase", equalTo("Succeeded"))
                .body("status.host", equalTo("e2e-worker-1"));
    }

    @Test
    void failingCommandEndsFailedWithItsExitCode() {
        var status = finished(submit("fail", "exit 7"));

        org.junit.jupiter.api.Assertions.assertEquals("Failed", status.getString("status.phase"));
        org.hamcrest.MatcherAssert.assertThat(status.getString("status.message"), containsString("exit code 7"));
    }

    @Test
    void anotherIdentityCannotSeeTheJob() {
        String id = submit("mine", "true");
        var bob = PublicApi.register();

        given().auth().oauth2(bob.token()).get("/compute/jobs/" + id)
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
    }

    @Test
    void badInputGetsAClientErrorWithAJsonMessage() {
        given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body("{not json")
                .post("/compute/jobs")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", notNullValue());
        for (String missing : new String[] {"name", "image", "cmd"}) {
            var spec = new java.util.HashMap<String, Object>(Map.of("name", "n", "image", TestImages.BUSYBOX,
                    "cmd", List.of("-c", "true")));
            spec.remove(missing);
            given().auth().oauth2(alice.token()).contentType(ContentType.JSON).body(spec)
                    .post("/compute/jobs")
                    .then().statusCode(400).body("error", startsWith(missing + ":"));
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "n")).post("/compute/jobs")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2("e30.e30.e30").get("/identities/me")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", notNullValue());
    }
}
