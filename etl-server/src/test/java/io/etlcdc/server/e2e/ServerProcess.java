package io.etlcdc.server.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar etl-server/target/etl-server.jar} as a child process, the way users run it. */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The shaded jar the module's package phase built. */
    public static Path jar() {
        Path jar = Path.of("target/etl-server.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first (./mvnw verify does)");
        }
        return jar;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the server with the given environment and arguments and waits until /health answers. */
    public static ServerProcess start(Path workDir, Map<String, String> env, String... args) throws Exception {
        return start(workDir, env, List.of("-jar", jar().toString()), args);
    }

    /**
     * Starts the server's main class on the test class path (so the test connectors of
     * {@code io.etlcdc.server.testing} are there too), otherwise as {@link #start}.
     */
    public static ServerProcess startOnTestClasspath(Path workDir, Map<String, String> env, String... args) throws Exception {
        return start(workDir, env, List.of("-cp", System.getProperty("java.class.path"), "io.etlcdc.server.EtlServer"), args);
    }

    private static ServerProcess start(Path workDir, Map<String, String> env, List<String> main, String... args) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().putAll(env);
        Path log = workDir.resolve("server-" + port + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        ServerProcess server = new ServerProcess(pb.start(), port, log);
        server.awaitHealthy(Duration.ofSeconds(90));
        return server;
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 503) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the server did not answer /health within " + timeout + ":\n" + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
