package io.etlcdc.transform.testfn;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.core.spi.TransformProvider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A user's rule type {@code redact}: removes the source fields from the row. */
public final class RedactProvider implements TransformProvider {
    @Override
    public String identifier() {
        return "redact";
    }

    @Override
    public Transform create(ProviderContext context) {
        @SuppressWarnings("unchecked")
        List<String> fields = (List<String>) context.config().asMap().get("source_fields");
        String ruleId = String.valueOf(context.config().asMap().get("rule_id"));
        return new Transform() {
            @Override
            public String id() {
                return ruleId;
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                for (ChangeEvent e : batch) {
                    Map<String, Object> row = new LinkedHashMap<>(e.data());
                    fields.forEach(row::remove);
                    out.emit(e.withData(row));
                }
            }
        };
    }
}
