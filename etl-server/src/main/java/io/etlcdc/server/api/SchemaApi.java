package io.etlcdc.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.schema.CheckCompatibilityRequest;
import io.etlcdc.schema.CompatibilityMode;
import io.etlcdc.schema.RegisterSchemaRequest;
import io.etlcdc.schema.RegisterSchemaResponse;
import io.etlcdc.schema.SchemaIncompatibleException;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.lineage.AuditTrail;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Map;

/**
 * The schema registry: {@code POST /api/v1/schema/register}, {@code /check-compatibility},
 * {@code GET|PUT /api/v1/schema/config[/{subject}]}, {@code GET /api/v1/schema/subjects[/{subject}/versions[/{version|latest}]]}.
 */
public final class SchemaApi {
    private final SchemaRegistry registry;
    private final AuditTrail audit;

    public SchemaApi(SchemaRegistry registry, AuditTrail audit) {
        this.registry = registry;
        this.audit = audit;
    }

    public void register(RoutesConfig r) {
        r.post("/api/v1/schema/register", ctx -> {
            RegisterSchemaRequest request = body(ctx, RegisterSchemaRequest.class);
            try {
                RegisterSchemaResponse registered = registry.register(request);
                audit.record(Auth.actor(ctx), "schema.register", registered.subject(), Map.of("version", registered.version(),
                        "id", registered.id()));
                ctx.json(registered);
            } catch (SchemaIncompatibleException e) {
                ctx.status(409).json(e.toResponse());
            }
        });
        r.post("/api/v1/schema/check-compatibility", ctx -> ctx.json(registry.checkCompatibility(body(ctx, CheckCompatibilityRequest.class))));
        r.get("/api/v1/schema/config", ctx -> ctx.json(Map.of("compatibility", registry.globalCompatibility())));
        r.put("/api/v1/schema/config", ctx -> {
            CompatibilityMode mode = mode(ctx);
            audit.record(Auth.actor(ctx), "schema.config", "(global)", Map.of("compatibility", mode.name()));
            ctx.json(registry.setGlobalCompatibility(mode));
        });
        r.get("/api/v1/schema/config/{subject}", ctx -> ctx.json(registry.compatibility(ctx.pathParam("subject"))));
        r.put("/api/v1/schema/config/{subject}", ctx -> {
            CompatibilityMode mode = mode(ctx);
            audit.record(Auth.actor(ctx), "schema.config", ctx.pathParam("subject"), Map.of("compatibility", mode.name()));
            ctx.json(registry.setCompatibility(ctx.pathParam("subject"), mode));
        });
        r.get("/api/v1/schema/subjects", ctx -> ctx.json(registry.subjects()));
        r.get("/api/v1/schema/subjects/{subject}/versions", ctx -> ctx.json(registry.versions(ctx.pathParam("subject"))));
        r.get("/api/v1/schema/subjects/{subject}/versions/{version}",
                ctx -> ctx.json(registry.version(ctx.pathParam("subject"), ctx.pathParam("version"))));
    }

    private static CompatibilityMode mode(Context ctx) {
        JsonNode body = Http.json(ctx);
        JsonNode c = body.path("compatibility");
        if (!c.isTextual()) {
            throw ApiException.badRequest("invalid body", "expected {\"compatibility\": \"BACKWARD\"} with one of "
                    + java.util.Arrays.toString(CompatibilityMode.values()));
        }
        try {
            return CompatibilityMode.parse(c.asText());
        } catch (EtlException | IllegalArgumentException e) {
            throw ApiException.badRequest("invalid compatibility", e.getMessage());
        }
    }

    private static <T> T body(Context ctx, Class<T> type) {
        JsonNode node = Http.json(ctx);
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid body", "expected a JSON object with subject, schema and schema_type");
        }
        try {
            return EtlJson.mapper().treeToValue(node, type);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof EtlException ee) {
                throw ee;
            }
            throw ApiException.badRequest("invalid body", e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid body", e.getMessage());
        }
    }
}
