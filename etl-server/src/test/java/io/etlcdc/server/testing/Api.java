package io.etlcdc.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for API tests. */
public final class Api {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public Api(int port, String token) {
        this.base = "http://localhost:" + port;
        this.token = token;
    }

    /** A response: status, raw body, parsed body (null when not JSON). */
    public record Response(int status, String body, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private Response send(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpRequest request = b.timeout(Duration.ofSeconds(60)).build();
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException staleConnection) {
                // the server may close a kept-alive connection after an error response; the client then
                // writes into a closed socket and reads nothing: send once more on a fresh connection
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            JsonNode json = null;
            try {
                json = EtlJson.mapper().readTree(r.body());
            } catch (Exception notJson) {
                // metrics and dashboards are not JSON
            }
            return new Response(r.statusCode(), r.body(), json);
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }
}
