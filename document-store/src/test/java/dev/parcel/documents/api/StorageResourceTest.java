package dev.parcel.documents.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.parcel.events.IdentityRegistered;
import dev.parcel.events.Topics;
import dev.parcel.testkit.EventBusProbe;
import dev.parcel.testkit.SelfIssuedIdentity;
import dev.parcel.testkit.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(SharedInfrastructure.class)
class StorageResourceTest {
    private static final Path BLOBS = Path.of("target/test-blobs");
    /** Where Quarkus would spool a multipart body (the test profile's quarkus.http.body.uploads-directory). */
    private static final Path UPLOADS = Path.of("target/test-uploads");
    private SelfIssuedIdentity alice;
    private SelfIssuedIdentity bob;

    /** Identities reach the document-store the way they do in production: as IdentityRegistered events. */
    static SelfIssuedIdentity known() {
        var identity = new SelfIssuedIdentity().as("I" + UUID.randomUUID().toString().replace("-", ""));
        String id = identity.principal();
        EventBusProbe.publish(Topics.IDENTITY_REGISTERED, id, IdentityRegistered.of(id,
                List.of(new IdentityRegistered.TokenVerifier(id, id, identity.publicJwk()))));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(identity.token())
                .get("/v1/documents/Dnothing").statusCode() == 404);
        return identity;
    }

    @BeforeEach
    void identities() {
        alice = known();
        bob = known();
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private String upload(SelfIssuedIdentity who, String metadata, byte[] data) {
        return given().auth().oauth2(who.token())
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", data, "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).contentType(ContentType.JSON)
                .extract().path("id");
    }

    private byte[] download(SelfIssuedIdentity who, String id) {
        return given().auth().oauth2(who.token()).get("/v1/storage/" + id + "/download")
                .then().statusCode(200).contentType("application/octet-stream")
                .extract().asByteArray();
    }

    private static long blobCount() throws IOException {
        if (!Files.exists(BLOBS)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(BLOBS)) {
            return files.count();
        }
    }

    @Test
    void uploadedDocumentDownloadsByteIdenticalAndDescribesItself() {
        byte[] content = randomBytes(3 * 1024 * 1024 + 5);
        String id = upload(alice, "{\"details\": {\"title\": \"scan\", \"tags\": [\"x-ray\", \"2026\"]}}", content);

        given().auth().oauth2(alice.token()).get("/v1/documents/" + id)
                .then().statusCode(200)
                .body("id", startsWith("D"))
                .body("createdAt", notNullValue())
                .body("creator", equalTo(alice.principal()))
                .body("owner", equalTo(alice.principal()))
                .body("size", equalTo(content.length))
                .body("details.title", equalTo("scan"))
                .body("details.tags", equalTo(List.of("x-ray", "2026")));
        assertArrayEquals(content, download(alice, id));
    }

    @Test
    void emptyDocumentAndEmptyMetadataWork() {
        String id = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", new byte[0], "text/plain")
                .multiPart("data", "data", new byte[0], "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(201).body("size", equalTo(0)).body("details.tags", equalTo(List.of()))
                .extract().path("id");

        assertEquals(0, download(alice, id).length);
    }

    @Test
    void othersGetTheSameNotFoundAsForNothing() {
        String id = upload(alice, "{}", "private".getBytes(StandardCharsets.UTF_8));

        for (String path : List.of("/v1/documents/" + id, "/v1/storage/" + id + "/download", "/v1/documents/Dnone",
                "/v1/storage/Dnone/download")) {
            given().auth().oauth2(bob.token()).get(path)
                    .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
        }
    }

    @Test
    void uploaderCanGiveTheDocumentToAnotherOwner() {
        String id = upload(alice, "{\"owner\": \"" + bob.principal() + "\"}", new byte[] {1, 2, 3});

        given().auth().oauth2(bob.token()).get("/v1/documents/" + id)
                .then().statusCode(200).body("owner", equalTo(bob.principal()))
                .body("creator", equalTo(alice.principal()));
        given().auth().oauth2(alice.token()).get("/v1/documents/" + id).then().statusCode(404);
    }

    @Test
    void blobDirectoryHoldsNoPlaintext() throws IOException {
        String marker = "PLAINTEXT-MARKER-" + UUID.randomUUID();
        String id = upload(alice, "{}", marker.repeat(100).getBytes(StandardCharsets.UTF_8));

        String stored = new String(Files.readAllBytes(BLOBS.resolve(id)), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains(marker));
    }

    @Test
    void anUploadInFlightLeavesNoPlaintextOnDisk() throws Exception {
        String marker = "PLAINTEXT-MARKER-" + UUID.randomUUID();
        String boundary = "parcel-test-boundary";
        var body = new java.io.PipedOutputStream();
        var sent = new java.io.PipedInputStream(body, 1 << 16);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + io.restassured.RestAssured.port + "/v1/storage"))
                .header("Authorization", "Bearer " + alice.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> sent))
                .build();
        var response = java.net.http.HttpClient.newHttpClient()
                .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"data\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 64; i++) {
            body.write((marker + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        body.flush();

        Thread.sleep(1000);
        assertFalse(anyFileContains(UPLOADS, marker), "the upload was spooled to disk in plaintext");
        assertFalse(anyFileContains(BLOBS, marker), "the blob store holds plaintext");

        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        body.close();
        assertEquals(201, response.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    }

    private static boolean anyFileContains(Path directory, String text) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothingBehind() throws IOException {
        long blobsBefore = blobCount();
        given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .post("/v1/storage")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", startsWith("data:"));
        given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{not json".getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", new byte[] {1}, "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(400).body("error", startsWith("metadata:"));
        given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", "{\"owner\": \"Inobody\"}".getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .multiPart("data", "data", new byte[] {1}, "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(400).body("error", containsString("no identity Inobody"));
        given().multiPart("data", "data", new byte[] {1}, "application/octet-stream")
                .post("/v1/storage")
                .then().statusCode(401).contentType(ContentType.JSON).body("error", notNullValue());

        assertEquals(blobsBefore, blobCount(), "no blob written by a refused upload");
    }
}
