package io.etlcdc.core.testing;

import io.etlcdc.core.spi.StateStore;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link StateStore} must do. */
public abstract class StateStoreContractTest {

    protected abstract StateStore newStore() throws Exception;

    /** The same store opened again; null when not persistent. */
    protected abstract StateStore reopen(StateStore store) throws Exception;

    @Test
    void putGetAndDeleteWithinANamespace() throws Exception {
        try (StateStore s = newStore()) {
            s.putAll("join:users", Map.of("1", "{\"name\":\"a\"}", "2", "{\"name\":\"b\"}"));
            Map<String, String> delete = new HashMap<>();
            delete.put("1", null);
            delete.put("3", "{\"name\":\"c\"}");
            s.putAll("join:users", delete);
            assertThat(s.get("join:users", "1")).isEmpty();
            assertThat(s.getAll("join:users")).containsOnlyKeys("2", "3");
            assertThat(s.getAll("other")).isEmpty();
        }
    }

    @Test
    void namespacesAreIndependentAndClearable() throws Exception {
        try (StateStore s = newStore()) {
            s.putAll("a", Map.of("k", "1"));
            s.putAll("b/with:odd chars", Map.of("k", "2"));
            s.clear("a");
            assertThat(s.get("a", "k")).isEmpty();
            assertThat(s.get("b/with:odd chars", "k")).contains("2");
        }
    }

    @Test
    void stateSurvivesAReopen() throws Exception {
        StateStore s = newStore();
        s.putAll("agg", Map.of("customer:7", "{\"sum\":12.5}"));
        StateStore again = reopen(s);
        if (again == null) {
            s.close();
            return;
        }
        try (again) {
            assertThat(again.get("agg", "customer:7")).contains("{\"sum\":12.5}");
        }
    }
}
