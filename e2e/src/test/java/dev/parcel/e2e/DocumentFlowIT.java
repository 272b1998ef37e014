package dev.parcel.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.parcel.testkit.SelfIssuedIdentity;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Documents through the one public port: the edge forwards them to the document-store, streaming. */
@ExtendWith(LocalPlatform.class)
class DocumentFlowIT {
    private static SelfIssuedIdentity alice;
    private static SelfIssuedIdentity bob;

    @BeforeAll
    static void identities() {
        alice = PublicApi.knownToTheDocumentStore(PublicApi.register());
        bob = PublicApi.knownToTheDocumentStore(PublicApi.register());
    }

    /**
     * Every service runs with a 160 MiB heap here (LocalPlatform), so moving a 200 MiB document through the edge
     * and the document-store proves neither holds a whole document. The peak heap each reported is printed.
     */
    @Test
    void largeDocumentStreamsThroughServicesWithSmallerHeaps() throws Exception {
        int mebibytes = 200;
        Path file = Files.createTempFile("parcel-large-", ".bin");
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        var random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mebibytes; i++) {
                random.nextBytes(chunk);
                written.update(chunk);
                out.write(chunk);
            }
        }
        try (var heap = new HeapWatch(LocalPlatform.API_PORT, LocalPlatform.DOCUMENT_STORE_PORT)) {
            long started = System.nanoTime();
            String id = given().auth().oauth2(alice.token())
                    .multiPart("metadata", "metadata", "{}".getBytes(StandardCharsets.UTF_8), "application/json")
                    .multiPart("data", file.toFile(), "application/octet-stream")
                    .post("/storage")
                    .then().statusCode(201).body("size", equalTo(mebibytes << 20))
                    .extract().path("id");
            long uploaded = System.nanoTime();
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            try (InputStream in = given().auth().oauth2(alice.token()).get("/storage/" + id + "/download")
                    .then().statusCode(200).extract().asInputStream()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read.update(buffer, 0, n);
                }
            }
            long downloaded = System.nanoTime();
            assertArrayEquals(written.digest(), read.digest(), "byte-identical after the round trip");
            System.out.printf("%d MiB through the edge: upload %.0f MB/s, download %.0f MB/s; peak heap used:"
                    + " %s%n", mebibytes, (mebibytes * 1.048576) / ((uploaded - started) / 1e9),
                    (mebibytes * 1.048576) / ((downloaded - uploaded) / 1e9), heap.peaks());
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void ownerUploadsAndDownloadsThroughTheEdgeAndNobodyElseCan() {
        byte[] content = new byte[20 * 1024 * 1024 + 3];
        new SecureRandom().nextBytes(content);
        String metadata = "{\"details\": {\"title\": \"genome\", \"tags\": [\"dna\"]}}";

        String id = given().auth().oauth2(alice.token())
                .multiPart("metadata", "metadata", metadata.getBytes(StandardCharsets.UTF_8), "application/json")
                .multiPart("data", "data", content, "application/octet-stream")
                .post("/storage")
                .then().statusCode(201)
                .body("owner", equalTo(alice.principal()))
                .body("size", equalTo(content.length))
                .body("details.title", equalTo("genome"))
                .extract().path("id");

        byte[] downloaded = given().auth().oauth2(alice.token()).get("/storage/" + id + "/download")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(content, downloaded);
        given().auth().oauth2(alice.token()).get("/documents/" + id).then().statusCode(200);

        given().auth().oauth2(bob.token()).get("/storage/" + id + "/download")
                .then().statusCode(404).contentType(ContentType.JSON).body("error", notNullValue());
        given().auth().oauth2(bob.token()).get("/documents/" + id).then().statusCode(404);
        given().get("/documents/" + id).then().statusCode(401).contentType(ContentType.JSON);
    }
}
