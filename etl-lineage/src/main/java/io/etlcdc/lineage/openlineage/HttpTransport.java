package io.etlcdc.lineage.openlineage;

import io.etlcdc.core.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs each event as JSON to an OpenLineage HTTP endpoint (Marquez: {@code http://host:5000/api/v1/lineage}),
 * with {@code Authorization: Bearer <api_key>} when a key is set. Sending is asynchronous so the
 * pipeline never waits on the consumer; a failed send is logged (URL masked, key never shown) and
 * counted, not retried: lineage must never hold data back. Thread-safe.
 */
public final class HttpTransport implements OpenLineageTransport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final URI uri;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient client;
    private final AtomicLong failures = new AtomicLong();
    private volatile CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    /**
     * @param uri     the full endpoint URI
     * @param apiKey  bearer token, or null
     * @param timeout per request
     */
    public HttpTransport(URI uri, String apiKey, Duration timeout) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void emit(String eventJson) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(eventJson));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        last = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
                failures.incrementAndGet();
                LOG.warn("sending an OpenLineage event to {} failed: {}", masked(), Secrets.maskKnown(error.toString(), secrets()));
            } else if (response.statusCode() / 100 != 2) {
                failures.incrementAndGet();
                LOG.warn("the OpenLineage endpoint {} answered HTTP {}", masked(), response.statusCode());
            }
        });
    }

    /** Events that could not be delivered since start. */
    public long failures() {
        return failures.get();
    }

    /** Waits (up to the timeout) for the last event sent to be answered, e.g. before shutting down. */
    public void flush() {
        try {
            last.get(timeout.toMillis() + 1_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // already logged by the completion handler, or still in flight at shutdown
        }
    }

    @Override
    public void close() {
        flush();
    }

    private String masked() {
        return Secrets.maskKnown(uri.toString(), secrets());
    }

    private java.util.List<String> secrets() {
        return apiKey == null ? java.util.List.of() : java.util.List.of(apiKey);
    }
}
