package io.etlcdc.examples.csv;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The user's path: drop the plugin jar into {@code plugins/}, run {@code java -jar etl-server.jar},
 * and use the new source type by name through the REST API.
 */
class ServerLoadsPluginIT {
    @TempDir
    Path dir;
    private Process server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static Path pluginJar() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("custom-connector-.*\\.jar")
                    && !p.getFileName().toString().contains("tests")).findFirst().orElseThrow();
        }
    }

    @Test
    void theServerFindsTheCsvSourceInItsPluginsDirectory() throws Exception {
        Path serverJar = Path.of("../../etl-server/target/etl-server.jar").toAbsolutePath().normalize();
        assertThat(serverJar).as("built by the etl-server module").exists();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(pluginJar(), plugins.resolve("csv-directory.jar"));
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        Files.writeString(incoming.resolve("users.csv"), "id,email\n1,a@x.io\n2,b@x.io\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", serverJar.toString(), "--config", dir.resolve("config").toString());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("ETL_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("ETL_PLUGINS_DIR", plugins.toString());
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        server = pb.start();

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + port;
        await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        Path out = dir.resolve("out/events.jsonl");
        assertThat(post(http, base + "/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\"" + out + "\"}}"))
                .startsWith("201");
        assertThat(post(http, base + "/api/v1/sources/connect", "{\"id\":\"uploads\",\"type\":\"csv-directory\",\"config\":{\"path\":\""
                + incoming + "\",\"poll_interval\":0.1}}")).startsWith("201");
        assertThat(post(http, base + "/api/v1/sources/uploads/start", "[]")).startsWith("200");
        await().atMost(60, TimeUnit.SECONDS).until(() -> Files.exists(out) && Files.readAllLines(out).size() == 2);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).contains("\"source_id\":\"uploads\"").contains("\"collection\":\"csv.users\"").contains("a@x.io");
        assertThat(Files.readString(dir.resolve("server.log"))).contains("loaded plugin csv-directory");
    }

    private static String post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
