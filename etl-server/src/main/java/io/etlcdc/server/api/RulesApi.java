package io.etlcdc.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.quality.QualityCheckRequest;
import io.etlcdc.quality.QualityRule;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.server.runtime.RuleSets;
import io.etlcdc.transform.RuleDefinition;
import io.etlcdc.transform.RuleStats;
import io.etlcdc.transform.RuleValidationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Transformation rules ({@code /api/v1/transformations}, {@code /preview}) and quality rules
 * ({@code /api/v1/quality/add-rule}, {@code /check}, {@code /rules}, {@code /metrics}), shapes as in the spec.
 */
public final class RulesApi {
    /** The most records one preview or dry-run check accepts. */
    public static final int MAX_RECORDS = 1000;

    private final RuleSets rules;

    public RulesApi(RuleSets rules) {
        this.rules = rules;
    }

    public void register(RoutesConfig r) {
        r.post("/api/v1/transformations", ctx -> {
            RuleDefinition rule = ruleFrom(Http.json(ctx));
            ctx.status(201).json(describe(rules.addRule(rule, Auth.actor(ctx))));
        });
        r.get("/api/v1/transformations", ctx -> ctx.json(Map.of("rules", rules.engine().list().stream().map(this::describe).toList())));
        r.get("/api/v1/transformations/{rule_id}", ctx -> {
            String id = ctx.pathParam("rule_id");
            RuleDefinition d = rules.engine().list().stream().filter(x -> x.ruleId().equals(id)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("transformation rule", id));
            ctx.json(describe(d));
        });
        r.delete("/api/v1/transformations/{rule_id}", ctx -> {
            rules.removeRule(ctx.pathParam("rule_id"), Auth.actor(ctx));
            ctx.json(Map.of("deleted", ctx.pathParam("rule_id")));
        });
        r.post("/api/v1/transformations/preview", this::preview);

        r.post("/api/v1/quality/add-rule", ctx -> {
            Map<String, Object> body = Http.object(ctx);
            QualityRule stored = rules.addQualityRule(QualityRules.fromMap(body), Auth.actor(ctx));
            ctx.status(201).json(stored);
        });
        r.post("/api/v1/quality/check", ctx -> {
            JsonNode body = Http.json(ctx);
            if (!body.isObject() || !body.path("records").isArray()) {
                throw ApiException.badRequest("invalid body", "expected {\"records\": [{...}, ...], \"rule_ids\": [...]} with 'records' a JSON array");
            }
            if (body.path("records").size() > MAX_RECORDS) {
                throw new ApiException(413, "too many records", body.path("records").size() + " records; at most " + MAX_RECORDS + " per check");
            }
            QualityCheckRequest request;
            try {
                request = EtlJson.mapper().treeToValue(body, QualityCheckRequest.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                throw ApiException.badRequest("invalid body", "records must be JSON objects and rule_ids strings: " + e.getMessage());
            }
            ctx.json(rules.gate().check(request));
        });
        r.get("/api/v1/quality/rules", ctx -> ctx.json(Map.of("rules", rules.gate().qualityRules())));
        r.delete("/api/v1/quality/rules/{rule_id}", ctx -> {
            rules.removeQualityRule(ctx.pathParam("rule_id"), Auth.actor(ctx));
            ctx.json(Map.of("deleted", ctx.pathParam("rule_id")));
        });
        r.get("/api/v1/quality/metrics", ctx -> ctx.json(rules.gate().metrics()));
    }

    private void preview(Context ctx) {
        JsonNode body = Http.json(ctx);
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid body", "expected {\"rules\": [...] or \"rule_ids\": [...], \"records\": [{...}]}");
        }
        JsonNode records = body.path("records");
        if (!records.isArray()) {
            throw ApiException.badRequest("invalid body", "'records' must be a JSON array of objects");
        }
        if (records.size() > MAX_RECORDS) {
            throw new ApiException(413, "too many records", records.size() + " records; at most " + MAX_RECORDS + " per preview");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode rec : records) {
            if (!rec.isObject()) {
                throw ApiException.badRequest("invalid body", "every record must be a JSON object, got " + Http.kind(rec));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> row = EtlJson.mapper().convertValue(rec, Map.class);
            rows.add(row);
        }
        List<RuleDefinition> defs = new ArrayList<>();
        if (body.has("rules")) {
            if (!body.get("rules").isArray()) {
                throw ApiException.badRequest("invalid body", "'rules' must be a JSON array of rule objects");
            }
            for (JsonNode rule : body.get("rules")) {
                defs.add(ruleFrom(rule));
            }
        } else if (body.has("rule_ids")) {
            if (!body.get("rule_ids").isArray()) {
                throw ApiException.badRequest("invalid body", "'rule_ids' must be a JSON array of rule ids");
            }
            Map<String, RuleDefinition> byId = new LinkedHashMap<>();
            rules.engine().list().forEach(d -> byId.put(d.ruleId(), d));
            for (JsonNode id : body.get("rule_ids")) {
                RuleDefinition d = byId.get(id.asText());
                if (d == null) {
                    throw ApiException.notFound("transformation rule", id.asText());
                }
                defs.add(d);
            }
        } else {
            throw ApiException.badRequest("invalid body", "give either 'rules' (rule objects) or 'rule_ids' (ids of added rules)");
        }
        ctx.json(Map.of("results", rules.engine().preview(defs, rows)));
    }

    private RuleDefinition ruleFrom(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid rule", "a rule is a JSON object with rule_id, name, rule_type, source_fields, target_field, expression, parameters");
        }
        RuleDefinition rule;
        try {
            rule = EtlJson.mapper().copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .treeToValue(body, RuleDefinition.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("invalid rule", e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid rule", e.getMessage());
        }
        var errors = rules.engine().validate(rule);
        if (!errors.isEmpty()) {
            throw new ApiException(400, "invalid rule", new RuleValidationException(rule.ruleId(), errors).getMessage(),
                    Map.of("errors", errors));
        }
        return rule;
    }

    private Map<String, Object> describe(RuleDefinition d) {
        Map<String, Object> out = new LinkedHashMap<>(d.asMap());
        RuleStats stats = rules.engine().stats().get(d.ruleId());
        if (stats != null) {
            out.put("metrics", stats);
        }
        return out;
    }
}
