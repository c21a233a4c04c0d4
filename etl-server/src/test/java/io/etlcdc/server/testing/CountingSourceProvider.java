package io.etlcdc.server.testing;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;
import io.etlcdc.core.spi.SourceProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test source type {@code test-counter}: emits {@code count} inserts per table into each of its
 * {@code tables} with positions 1..count, resuming after the committed position; then idles.
 * Connection strings must use the scheme {@code counter://}; a host named {@code down} fails the
 * connection check.
 */
public final class CountingSourceProvider implements SourceProvider {
    public static final ConfigOption<Integer> COUNT = ConfigOptions.key("count").intType().defaultValue(10).withValidator(Validator.positive());
    public static final ConfigOption<List<String>> TABLES = ConfigOptions.key("tables").stringListType().defaultValue(List.of("users"));
    public static final ConfigOption<Double> POLL = ConfigOptions.key("poll_interval").doubleType().defaultValue(1.0);
    /** Keep emitting 10 events every 20 ms after the first {@code count} (a continuous workload). */
    public static final ConfigOption<Boolean> CONTINUOUS = ConfigOptions.key("continuous").booleanType().defaultValue(false);

    @Override
    public String identifier() {
        return "test-counter";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(COUNT, TABLES, POLL, CONTINUOUS);
    }

    @Override
    public boolean requiresConnectionString() {
        return true;
    }

    @Override
    public void checkConnection(ProviderContext context) {
        var cs = context.connectionString().orElseThrow();
        if (cs.host().equals("down")) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot connect to " + cs.masked() + ": connection refused");
        }
    }

    @Override
    public Source create(ProviderContext context) {
        int count = context.config().get(COUNT);
        List<String> tables = context.config().get(TABLES);
        boolean continuous = context.config().get(CONTINUOUS);
        String id = context.id();
        return new Source() {
            private volatile boolean stopped;

            @Override
            public void run(SourceContext ctx) throws Exception {
                long from = ctx.committedPosition().map(p -> (Long) p.sortKey().get(0)).orElse(0L) + 1;
                List<ChangeEvent> batch = new ArrayList<>();
                for (long n = from; n <= (long) count * tables.size(); n++) {
                    String table = tables.get((int) ((n - 1) % tables.size()));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", n);
                    row.put("email", "user" + n + "@example.com");
                    row.put("status", n % 2 == 0 ? "active" : "inactive");
                    batch.add(ChangeEvent.insert(id, "public." + table, Map.of("id", n), row, Position.of(n)));
                }
                if (!batch.isEmpty()) {
                    ctx.emit(batch);
                }
                long next = Math.max(from, (long) count * tables.size() + 1);
                while (!stopped && ctx.isRunning()) {
                    Thread.sleep(20);
                    if (continuous) {
                        List<ChangeEvent> more = new ArrayList<>();
                        for (int i = 0; i < 10; i++, next++) {
                            more.add(ChangeEvent.insert(id, "public." + tables.get(0), Map.of("id", next), Map.of("id", next), Position.of(next)));
                        }
                        ctx.emit(more);
                    }
                }
            }

            @Override
            public void stop() {
                stopped = true;
            }

            @Override
            public SourceHealth health() {
                return SourceHealth.up(null, 0);
            }
        };
    }
}
