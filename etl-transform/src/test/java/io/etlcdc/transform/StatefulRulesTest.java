package io.etlcdc.transform;

import io.etlcdc.core.connectors.FileStateStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

class StatefulRulesTest {
    static final RuleDefinition SPEND = RuleDefinition.of("spend", "Spend per customer", "aggregate", List.of("amount"),
            "customer_total", null, Map.of("type", "sum", "group_by", List.of("customer_id")));
    static final RuleDefinition ORDERS = RuleDefinition.of("order_count", "Orders per customer", "aggregate", List.of("amount"),
            "customer_orders", null, Map.of("type", "count", "group_by", "customer_id"));
    static final RuleDefinition JOIN = new RuleDefinition("user_of_order", "Orders with their user", "join", List.of("user_id"),
            "user", null, Map.of("table", "users", "key", "id", "foreign_key", "user_id", "fields", List.of("name", "tier")),
            List.of("orders"), null);

    static ChangeEvent order(long pos, int customer, String amount) {
        return ChangeEvent.insert("pg", "public.orders", row("id", pos), row("id", pos, "customer_id", customer, "user_id", customer,
                "amount", new BigDecimal(amount)), Position.of(pos));
    }

    static RuleEngine engine(Path dir, RuleDefinition... rules) {
        return RuleEngine.builder().stateStore(new FileStateStore(dir)).rules(List.of(rules)).build();
    }

    @Test
    void keyedRunningAggregatesSurviveARestartAndReplaysAreNotCountedTwice(@TempDir Path dir) {
        RecordingCollector out = new RecordingCollector();
        engine(dir, SPEND, ORDERS).apply(List.of(order(1, 7, "10.50"), order(2, 8, "1"), order(3, 7, "4.50")), out);
        assertThat(out.emitted.get(2).after()).containsEntry("customer_total", 15L).containsEntry("customer_orders", 2L);

        RecordingCollector afterRestart = new RecordingCollector();
        RuleEngine restarted = engine(dir, SPEND, ORDERS);
        restarted.apply(List.of(order(3, 7, "4.50"), order(4, 7, "0.25"), order(5, 8, "2")), afterRestart);
        assertThat(afterRestart.emitted.get(0).after()).containsEntry("customer_total", 15L);
        assertThat(afterRestart.emitted.get(1).after()).containsEntry("customer_total", new BigDecimal("15.25"))
                .containsEntry("customer_orders", 3L);
        assertThat(afterRestart.emitted.get(2).after()).containsEntry("customer_total", 3L);
    }

    @Test
    void joinEnrichesOrdersWithTheLatestUserRowAcrossARestart(@TempDir Path dir) {
        ChangeEvent ann = ChangeEvent.insert("pg", "public.users", row("id", 7), row("id", 7, "name", "Ann", "tier", "gold", "pw", "x"), Position.of(1));
        RecordingCollector out = new RecordingCollector();
        engine(dir, JOIN).apply(List.of(ann, order(2, 7, "5"), order(3, 9, "1")), out);
        assertThat(out.emitted.get(0)).isSameAs(ann);
        assertThat(out.emitted.get(1).after().get("user")).isEqualTo(Map.of("name", "Ann", "tier", "gold"));
        assertThat(out.emitted.get(2).after()).containsEntry("user", null);

        RuleEngine restarted = engine(dir, JOIN);
        ChangeEvent annUpdated = ChangeEvent.update("pg", "public.users", row("id", 7), null, row("id", 7, "name", "Ann B", "tier", "gold"), Position.of(4));
        RecordingCollector again = new RecordingCollector();
        restarted.apply(List.of(order(5, 7, "1")), again);
        assertThat(again.emitted.get(0).after().get("user")).isEqualTo(Map.of("name", "Ann", "tier", "gold"));
        restarted.apply(List.of(annUpdated, order(6, 7, "1"),
                ChangeEvent.delete("pg", "public.users", row("id", 7), row("id", 7), Position.of(7)), order(8, 7, "1")), again);
        assertThat(again.emitted.get(2).after().get("user")).isEqualTo(Map.of("name", "Ann B", "tier", "gold"));
        assertThat(again.emitted.get(4).after()).containsEntry("user", null);

        RecordingCollector third = new RecordingCollector();
        engine(dir, JOIN).apply(List.of(order(9, 7, "1")), third);
        assertThat(third.emitted.get(0).after()).containsEntry("user", null);
    }
}
