package io.etlcdc.lineage;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** Small rules for tests: a map rule that writes one column, and a filter rule. */
public final class TestRules {
    private TestRules() {}

    /** Writes {@code target} computed from the row; describes itself as reading {@code sources}. */
    public static Transform map(String id, List<String> sources, String target, Function<Map<String, Object>, Object> compute) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                for (ChangeEvent e : batch) {
                    Map<String, Object> row = new LinkedHashMap<>(e.after());
                    row.put(target, compute.apply(e.after()));
                    out.emit(e.withAfter(row));
                }
            }

            @Override
            public List<RuleDescriptor> rules() {
                return List.of(new RuleDescriptor(id, "map", Set.of(), sources, target));
            }
        };
    }

    /** Keeps rows passing {@code keep}; describes itself as reading {@code sources}. */
    public static Transform filter(String id, List<String> sources, Predicate<Map<String, Object>> keep) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                for (ChangeEvent e : batch) {
                    if (keep.test(e.after())) {
                        out.emit(e);
                    } else {
                        out.filter(e, id);
                    }
                }
            }

            @Override
            public List<RuleDescriptor> rules() {
                return List.of(new RuleDescriptor(id, "filter", Set.of(), sources, null));
            }
        };
    }
}
