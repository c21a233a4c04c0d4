package io.etlcdc.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.server.runtime.PipelineManager;
import io.etlcdc.server.runtime.SourceRun;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spec's pipeline, source and sink endpoints plus dead letters and the audit trail:
 * <ul>
 *   <li>{@code POST /api/v1/pipeline/start|stop}, {@code GET /api/v1/pipeline/status}</li>
 *   <li>{@code POST /api/v1/sources/connect}, {@code GET /api/v1/sources}, {@code GET|DELETE /api/v1/sources/{id}},
 *   {@code POST /api/v1/sources/{id}/start} (body: JSON array of table names), {@code /stop},
 *   {@code /snapshot} (body: JSON array of table names)</li>
 *   <li>{@code POST /api/v1/sinks/connect}, {@code GET /api/v1/sinks}, {@code DELETE /api/v1/sinks/{id}}</li>
 *   <li>{@code GET /api/v1/dead-letters?limit=}, {@code GET /api/v1/lineage/audit?since=&until=&action=&target=&limit=}</li>
 * </ul>
 */
public final class PipelineApi {
    /** The most dead letters one replay request may send through the pipeline. */
    public static final int MAX_REPLAY = 10_000;

    private final PipelineManager manager;
    private final AuditTrail audit;

    public PipelineApi(PipelineManager manager, AuditTrail audit) {
        this.manager = manager;
        this.audit = audit;
    }

    public void register(RoutesConfig r) {
        r.post("/api/v1/pipeline/start", ctx -> {
            manager.startPipeline(Auth.actor(ctx));
            ctx.json(pipelineStatus());
        });
        r.post("/api/v1/pipeline/stop", ctx -> {
            manager.stopPipeline(Auth.actor(ctx));
            ctx.json(pipelineStatus());
        });
        r.get("/api/v1/pipeline/status", ctx -> ctx.json(pipelineStatus()));

        r.post("/api/v1/sources/connect", ctx -> {
            ConnectorDefinition def = connector(ctx, "source");
            manager.connectSource(def, Auth.actor(ctx));
            ctx.status(201).json(describeSource(def));
        });
        r.get("/api/v1/sources", ctx -> ctx.json(Map.of("sources",
                manager.sources().values().stream().map(this::describeSource).toList())));
        r.get("/api/v1/sources/{id}", ctx -> ctx.json(describeSource(manager.source(ctx.pathParam("id")))));
        r.delete("/api/v1/sources/{id}", ctx -> {
            manager.deleteSource(ctx.pathParam("id"), Auth.actor(ctx));
            ctx.json(Map.of("deleted", ctx.pathParam("id")));
        });
        r.post("/api/v1/sources/{id}/start", ctx -> {
            String id = ctx.pathParam("id");
            manager.source(id);
            manager.startSource(id, tables(ctx), Auth.actor(ctx));
            ctx.json(describeSource(manager.source(id)));
        });
        r.post("/api/v1/sources/{id}/stop", ctx -> {
            manager.stopSource(ctx.pathParam("id"), Auth.actor(ctx));
            ctx.json(describeSource(manager.source(ctx.pathParam("id"))));
        });
        r.post("/api/v1/sources/{id}/snapshot", ctx -> {
            String id = ctx.pathParam("id");
            List<String> tables = tables(ctx);
            manager.snapshot(id, tables, Auth.actor(ctx));
            ctx.status(202).json(Map.of("source", id, "snapshot", "requested", "tables", tables));
        });

        r.post("/api/v1/sinks/connect", ctx -> {
            ConnectorDefinition def = connector(ctx, "sink");
            manager.connectSink(def, Auth.actor(ctx));
            ctx.status(201).json(describeSink(def));
        });
        r.get("/api/v1/sinks", ctx -> ctx.json(Map.of("sinks", manager.sinks().values().stream().map(this::describeSink).toList())));
        r.get("/api/v1/sinks/{id}", ctx -> {
            ConnectorDefinition d = manager.sinks().get(ctx.pathParam("id"));
            if (d == null) {
                throw ApiException.notFound("sink", ctx.pathParam("id"));
            }
            ctx.json(describeSink(d));
        });
        r.delete("/api/v1/sinks/{id}", ctx -> {
            manager.deleteSink(ctx.pathParam("id"), Auth.actor(ctx));
            ctx.json(Map.of("deleted", ctx.pathParam("id")));
        });

        r.get("/api/v1/dead-letters", ctx -> {
            int limit = intParam(ctx, "limit", 100, 1, 1000);
            List<Map<String, Object>> recent = manager.recentDeadLetters(limit).stream().map(PipelineApi::describe).toList();
            ctx.json(Map.of("dead_letters", recent, "count", recent.size()));
        });
        r.post("/api/v1/dead-letters/replay", ctx -> {
            Map<String, Object> body = ctx.bodyAsBytes().length == 0 ? Map.of() : Http.object(ctx);
            for (String k : body.keySet()) {
                if (!List.of("ids", "stage", "component", "limit").contains(k)) {
                    throw ApiException.badRequest("invalid body", "unknown field '" + k + "'; expected ids, stage, component, limit");
                }
            }
            Object ids = body.get("ids");
            if (ids != null && !(ids instanceof List<?>)) {
                throw ApiException.badRequest("invalid body", "'ids' must be a JSON array of dead-letter ids");
            }
            Object rawLimit = body.getOrDefault("limit", 1000);
            if (!(rawLimit instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw ApiException.badRequest("invalid body", "'limit' must be a whole number from 1 to " + MAX_REPLAY);
            }
            long limit = n.longValue();
            if (limit < 1) {
                throw ApiException.badRequest("invalid body", "'limit' must be from 1 to " + MAX_REPLAY);
            }
            if (limit > MAX_REPLAY || (ids instanceof List<?> l && l.size() > MAX_REPLAY)) {
                throw new ApiException(413, "replay batch too large", "at most " + MAX_REPLAY + " dead letters per replay; got "
                        + (limit > MAX_REPLAY ? "'limit' " + limit : ((List<?>) ids).size() + " 'ids'") + ". Replay in smaller batches");
            }
            List<DeadLetter> chosen = manager.recentDeadLetters((int) limit).stream()
                    .filter(d -> ids == null || ((List<?>) ids).contains(id(d)))
                    .filter(d -> body.get("stage") == null || body.get("stage").equals(d.stage()))
                    .filter(d -> body.get("component") == null || body.get("component").equals(d.component()))
                    .toList();
            int delivered = chosen.isEmpty() ? 0 : manager.replay(chosen, Auth.actor(ctx));
            ctx.json(Map.of("replayed", chosen.size(), "delivered", delivered, "failed_again", chosen.size() - delivered,
                    "ids", chosen.stream().map(PipelineApi::id).toList()));
        });
        r.get("/api/v1/lineage/audit", ctx -> ctx.json(Map.of("entries", audit.query(new AuditQuery(
                instantParam(ctx, "since"), instantParam(ctx, "until"), ctx.queryParam("action"), ctx.queryParam("target"),
                intParam(ctx, "limit", 1000, 1, 10_000))))));
    }

    /** A dead letter with a stable id (a digest of where and when it failed) for selecting it in a replay. */
    static Map<String, Object> describe(DeadLetter d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id(d));
        out.put("stage", d.stage());
        out.put("component", d.component());
        out.put("reason", Secrets.maskText(d.reason()));
        out.put("failed_at", d.failedAt());
        out.put("details", d.details());
        out.put("event", d.event());
        return out;
    }

    static String id(DeadLetter d) {
        String key = d.event().sourceId() + "|" + d.event().position().display() + "|" + d.stage() + "|" + d.component() + "|" + d.failedAt();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> pipelineStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<PipelineStatus> status = manager.status();
        out.put("replica", manager.ownership().replicaId());
        manager.ownership().current().ifPresent(l -> {
            out.put("owner", l.owner());
            out.put("fencing_token", l.token());
            if (l.expiresAt() != null) {
                out.put("lease_expires_at", l.expiresAt());
            }
        });
        if (status.isEmpty() && !manager.ownership().isOwner()) {
            Optional<Map<String, Object>> published = manager.publishedStatus();
            if (published.isPresent()) {
                Map<String, Object> p = published.get();
                out.put("state", p.get("state"));
                out.put("status_from", p.get("published_by"));
                out.put("status_at", p.get("published_at"));
                for (String k : List.of("started_at", "uptime_ms", "sources", "sinks", "metrics")) {
                    if (p.containsKey(k)) {
                        out.put(k, p.get(k));
                    }
                }
                return out;
            }
        }
        out.put("state", status.map(s -> s.state().name()).orElse(manager.desiredRunning() ? "STARTING" : "NOT_STARTED"));
        status.ifPresent(s -> {
            out.put("started_at", s.startedAt());
            out.put("uptime_ms", s.uptimeMillis());
            out.put("events_per_second", s.metrics().eventsPerSecond());
            out.put("buffer", Map.of("used", s.bufferUsed(), "capacity", s.bufferCapacity()));
            out.put("sources", s.sources());
            out.put("sinks", s.sinks());
            out.put("metrics", s.metrics());
        });
        manager.lastFailure().ifPresent(f -> out.put("last_error", Secrets.maskText(f)));
        return out;
    }

    private Map<String, Object> describeSource(ConnectorDefinition def) {
        ConnectorDefinition masked = def.masked();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", masked.id());
        out.put("type", masked.type());
        out.put("connection_string", masked.connectionString());
        out.put("config", masked.config());
        SourceRun run = manager.run(def.id());
        out.put("enabled", run.enabled());
        out.put("tables", run.tables().isEmpty() ? def.config().getOrDefault("tables", List.of()) : run.tables());
        manager.status().flatMap(s -> s.sources().stream().filter(x -> x.id().equals(def.id())).findFirst()).ifPresentOrElse(s -> {
            out.put("state", s.state().name());
            out.put("health", s.health());
            out.put("committed_position", s.committedPosition());
            out.put("lag_ms", s.lagMillis());
            if (s.error() != null) {
                out.put("error", Secrets.maskText(s.error()));
            }
        }, () -> out.put("state", run.enabled() ? "PENDING" : "CONNECTED"));
        return out;
    }

    private Map<String, Object> describeSink(ConnectorDefinition def) {
        ConnectorDefinition masked = def.masked();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", masked.id());
        out.put("type", masked.type());
        if (masked.connectionString() != null) {
            out.put("connection_string", masked.connectionString());
        }
        out.put("config", masked.config());
        manager.status().flatMap(s -> s.sinks().stream().filter(x -> x.id().equals(def.id())).findFirst())
                .ifPresent(s -> out.put("health", s.health()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static ConnectorDefinition connector(Context ctx, String kind) {
        Map<String, Object> body = Http.object(ctx);
        String id = Http.requiredString(body, "id");
        String type = Http.requiredString(body, "type");
        Object cs = body.get("connection_string");
        if (cs != null && !(cs instanceof String)) {
            throw ApiException.badRequest("invalid body", "field 'connection_string' must be a string");
        }
        Object config = body.get("config");
        if (config != null && !(config instanceof Map)) {
            throw ApiException.badRequest("invalid body", "field 'config' must be an object of options");
        }
        for (String k : body.keySet()) {
            if (!List.of("id", "type", "connection_string", "config").contains(k)) {
                throw ApiException.badRequest("invalid body", "unknown field '" + k + "' in the " + kind
                        + " definition; expected id, type, connection_string, config");
            }
        }
        return new ConnectorDefinition(id, type, (String) cs, (Map<String, Object>) config);
    }

    /** A JSON array of table names, or no body at all (meaning: the configured tables). */
    private static List<String> tables(Context ctx) {
        if (ctx.bodyAsBytes().length == 0) {
            return List.of();
        }
        JsonNode node = Http.json(ctx);
        if (node.isObject() && node.has("tables")) {
            node = node.get("tables");
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("invalid body", "expected a JSON array of table names, e.g. [\"users\", \"orders\"], got " + Http.kind(node));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : node) {
            if (!t.isTextual() || t.asText().isBlank()) {
                throw ApiException.badRequest("invalid body", "table names must be non-empty strings, got " + t);
            }
            out.add(t.asText());
        }
        return out;
    }

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid parameter", "'" + name + "' must be a whole number from " + min + " to " + max + ", got '" + v + "'");
        }
    }

    static Instant instantParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid parameter", "'" + name + "' must be an ISO-8601 instant like 2026-11-25T10:00:00Z, got '" + v + "'");
        }
    }
}
