package io.etlcdc.server.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.json.EtlJson;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few calls of Kafka Connect's REST API the server needs. A worker that cannot be reached or answers
 * 5xx (a rebalance in progress answers 409) raises a {@link RetriableEtlException}; a request Connect
 * refuses raises an {@link EtlException} with Connect's message (secrets masked). Thread-safe.
 */
final class ConnectRestClient {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final String baseUrl;
    private final HttpClient http;

    ConnectRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Names of every connector. */
    List<String> connectors() {
        return EtlJson.mapper().convertValue(send("GET", "/connectors", null).orElseThrow(), new TypeReference<List<String>>() { });
    }

    /** {@code GET /connectors?expand=status}: connector name → its status ({@code connector}, {@code tasks}, {@code type}). */
    JsonNode statuses() {
        return send("GET", "/connectors?expand=status", null).orElseThrow();
    }

    /** The connector's configuration, or empty when there is no such connector. */
    Optional<Map<String, String>> config(String name) {
        return send("GET", "/connectors/" + enc(name) + "/config", null).map(n -> EtlJson.mapper().convertValue(n, STRING_MAP));
    }

    /** Creates the connector or replaces its configuration. */
    void putConfig(String name, Map<String, String> config) {
        send("PUT", "/connectors/" + enc(name) + "/config", config);
    }

    void pause(String name) {
        send("PUT", "/connectors/" + enc(name) + "/pause", null);
    }

    void resume(String name) {
        send("PUT", "/connectors/" + enc(name) + "/resume", null);
    }

    void delete(String name) {
        send("DELETE", "/connectors/" + enc(name), null);
    }

    /** Restarts the connector and its failed tasks. */
    void restartFailed(String name) {
        send("POST", "/connectors/" + enc(name) + "/restart?includeTasks=true&onlyFailed=true", null);
    }

    /** {@code GET /connectors/{name}/offsets}, or empty when the connector does not exist. */
    Optional<JsonNode> offsets(String name) {
        return send("GET", "/connectors/" + enc(name) + "/offsets", null);
    }

    private Optional<JsonNode> send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(EtlJson.mapper().writeValueAsString(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int code = r.statusCode();
            if (code == 404) {
                return Optional.empty();
            }
            if (code >= 500 || code == 409) {
                throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "Kafka Connect at " + baseUrl + " answered " + code
                        + " to " + method + " " + path + ": " + message(r.body()));
            }
            if (code >= 400) {
                throw new EtlException(ErrorCode.CONFIG_INVALID, "Kafka Connect refused " + method + " " + path + " (" + code + "): "
                        + message(r.body()));
            }
            String text = r.body();
            return Optional.of(text == null || text.isBlank() ? EtlJson.mapper().nullNode() : EtlJson.mapper().readTree(text));
        } catch (IOException e) {
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "cannot reach Kafka Connect at " + baseUrl + " (" + e
                    + "): check CONNECT_URL and that a worker is running", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "interrupted while calling Kafka Connect", e);
        }
    }

    private static String message(String body) {
        try {
            JsonNode n = EtlJson.mapper().readTree(body);
            return Secrets.maskText(n.path("message").asText(body));
        } catch (IOException | RuntimeException e) {
            return Secrets.maskText(body);
        }
    }

    private static String enc(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
