package io.etlcdc.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one rule does, for lineage: which tables it applies to and which columns it reads and writes.
 *
 * @param id           the rule id
 * @param kind         e.g. {@code map}, {@code filter}, {@code aggregate}, {@code join}, {@code quality}
 * @param scope        the tables it applies to as {@code <source_id>} or {@code <source_id>.<table>}
 *                     or {@code <source_id>_<table>} names; empty means every table
 * @param sourceFields the columns it reads
 * @param targetField  the column it writes, or null (filters, checks)
 */
public record RuleDescriptor(String id, String kind, Set<String> scope, List<String> sourceFields, String targetField) {
    public RuleDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        scope = scope == null ? Set.of() : Set.copyOf(scope);
        sourceFields = sourceFields == null ? List.of() : List.copyOf(sourceFields);
    }

    public static RuleDescriptor opaque(String id) {
        return new RuleDescriptor(id, "custom", Set.of(), List.of(), null);
    }

    /** True when the rule applies to the table of {@code collection} (e.g. {@code public.users}) in {@code sourceId}. */
    public boolean appliesTo(String sourceId, String collection) {
        if (scope.isEmpty()) {
            return true;
        }
        int dot = collection.lastIndexOf('.');
        String table = dot < 0 ? collection : collection.substring(dot + 1);
        for (String s : scope) {
            if (s.equals(sourceId) || s.equals(sourceId + "_" + table) || s.equals(sourceId + "." + table)
                    || s.equals(sourceId + "." + collection) || s.equals(table) || s.equals(collection)) {
                return true;
            }
        }
        return false;
    }
}
