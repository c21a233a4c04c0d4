package io.etlcdc.connect.record;

import io.etlcdc.connect.Fixtures;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventReaderTest {
    private final ChangeEventReader reader = new ChangeEventReader(null);

    @Test
    void anInsertBecomesTheEventTheEmbeddedSourceWouldProduce() {
        ChangeEvent e = reader.read(Fixtures.record(2, 41, "c", null, Fixtures.row(7, "a@b.com")));
        assertThat(e.sourceId()).isEqualTo("pg");
        assertThat(e.collection()).isEqualTo("public.users");
        assertThat(e.operation()).isEqualTo(Operation.INSERT);
        assertThat(e.key()).isEqualTo(Map.of("id", 7));
        assertThat(e.after()).containsEntry("born", LocalDate.ofEpochDay(19_000)).containsEntry("amount", new BigDecimal("12.50"));
        assertThat(e.position().sortKey()).containsExactly(41L);
        assertThat(e.position().offset()).containsEntry("topic", "pg.public.users").containsEntry("partition", 2L)
                .containsEntry("lsn", 141L);
        assertThat(e.schema().primaryKey()).containsExactly("id");
        assertThat(e.schema().column("born").orElseThrow().type()).isEqualTo(ColumnType.DATE);
        assertThat(e.schema().column("email").orElseThrow().sourceType()).isEqualTo("varchar");
        assertThat(e.schema().column("email").orElseThrow().precision()).isEqualTo(255);
        assertThat(e.schema().column("amount").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
    }

    @Test
    void aDeleteWithOnlyTheKeyInItsOldRowIsAKeyOnlyDelete() {
        Struct keyOnly = new Struct(Fixtures.ROW).put("id", 7);
        ChangeEvent e = reader.read(Fixtures.record(0, 1, "d", keyOnly, null));
        assertThat(e.operation()).isEqualTo(Operation.DELETE);
        assertThat(e.before()).isNull();
        assertThat(e.data()).isEqualTo(Map.of("id", 7));
        ChangeEvent full = reader.read(Fixtures.record(0, 2, "d", Fixtures.row(7, "a@b.com"), null));
        assertThat(full.before()).containsEntry("email", "a@b.com");
    }

    @Test
    void recordsThatAreNotChangeEventsAreNotRead() {
        assertThat(reader.read(new SinkRecord("t", 0, null, null, null, null, 0))).isNull();
        assertThat(reader.read(new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA, "hello", 0))).isNull();
    }

    @Test
    void aSourceIdOverrideWinsOverTheEnvelopesName() {
        ChangeEvent e = new ChangeEventReader("postgres_main").read(Fixtures.record(0, 1, "c", null, Fixtures.row(1, "x@y.com")));
        assertThat(e.sourceId()).isEqualTo("postgres_main");
    }

    @Test
    void schemalessEnvelopesAreReadToo() {
        Map<String, Object> value = Map.of("op", "u", "after", Map.of("id", 3, "email", "n@m.io"),
                "source", Map.of("name", "pg", "schema", "public", "table", "users", "ts_ms", 5L));
        ChangeEvent e = reader.read(new SinkRecord("pg.public.users", 0, null, Map.of("id", 3), null, value, 9));
        assertThat(e.operation()).isEqualTo(Operation.UPDATE);
        assertThat(e.after()).containsEntry("email", "n@m.io");
        assertThat(e.key()).isEqualTo(Map.of("id", 3));
        assertThat(e.schema()).isNull();
    }
}
