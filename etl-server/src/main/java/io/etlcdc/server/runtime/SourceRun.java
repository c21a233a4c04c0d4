package io.etlcdc.server.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a source should be capturing, and which tables: what {@code POST /sources/{id}/start}
 * asked for, kept across restarts.
 *
 * @param enabled    capturing when the pipeline runs
 * @param tables     the tables asked for at start; empty means the source's configured tables
 * @param generation grows with every start request, so that the owner restarts the source
 */
public record SourceRun(boolean enabled, List<String> tables, long generation) {
    public SourceRun {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("tables", tables);
        m.put("generation", generation);
        return m;
    }

    @SuppressWarnings("unchecked")
    static SourceRun fromMap(Map<String, Object> m) {
        Object t = m.get("tables");
        Object g = m.get("generation");
        return new SourceRun(Boolean.TRUE.equals(m.get("enabled")), t instanceof List<?> l ? (List<String>) l : List.of(),
                g instanceof Number n ? n.longValue() : 0L);
    }
}
