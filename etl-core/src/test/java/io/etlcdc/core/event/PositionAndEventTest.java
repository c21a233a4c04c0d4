package io.etlcdc.core.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etlcdc.core.json.EtlJson;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PositionAndEventTest {
    private final ObjectMapper json = EtlJson.mapper();

    @Test
    void positionsOrderPartByPart() {
        // several events in one transaction share the LSN: the index tells them apart
        Position a = Position.of(100L, 7L, 0L);
        Position b = Position.of(100L, 7L, 1L);
        Position c = Position.of(101L, 8L, 0L);
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(b.isAfter(a)).isTrue();
        assertThat(a.isAfter(null)).isTrue();
        assertThat(a.isAfter(a)).isFalse();
        assertThat(Position.of("mysql-bin.000002", 4L)).isGreaterThan(Position.of("mysql-bin.000001", 999L));
        assertThat(Position.of(1, 2)).isEqualTo(Position.of(1L, 2L));
        assertThat(a.display()).isEqualTo("100:7:0");
    }

    @Test
    void positionsSurviveJson() throws Exception {
        Position p = Position.of(23712344L, 771L, 3L).withOffset(Map.of("lsn", 23712344L, "txId", 771, "snapshot", true, "slot", "etl"));
        Position back = json.readValue(json.writeValueAsString(p), Position.class);
        assertThat(back).isEqualTo(Position.of(23712344L, 771L, 3L).withOffset(Map.of("lsn", 23712344L, "txId", 771, "snapshot", true, "slot", "etl")));
        assertThat(back.compareTo(p)).isZero();
    }

    @Test
    void positionRefusesWhatItCannotOrder() {
        assertThatThrownBy(() -> Position.of(1.5)).hasMessageContaining("whole numbers or strings");
        assertThatThrownBy(() -> new Position(List.of(), Map.of())).hasMessageContaining("empty");
    }

    @Test
    void eventsCheckWhatTheirOperationNeeds() {
        assertThatThrownBy(() -> ChangeEvent.builder("pg", "public.users", Operation.INSERT).position(Position.of(1L)).build())
                .hasMessageContaining("INSERT").hasMessageContaining("after");
        assertThatThrownBy(() -> ChangeEvent.builder("pg", "public.users", Operation.DELETE).position(Position.of(1L)).build())
                .hasMessageContaining("before").hasMessageContaining("key");
        assertThatThrownBy(() -> ChangeEvent.builder("pg", "public.users", Operation.DDL).position(Position.of(1L)).build())
                .hasMessageContaining("ddl");
        assertThatThrownBy(() -> ChangeEvent.builder("pg", "public.users", Operation.TRUNCATE).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("position");
    }

    @Test
    void eventsAreImmutableAndWithMethodsCopy() {
        Map<String, Object> after = row("id", 1L, "email", "a@b.c");
        ChangeEvent e = ChangeEvent.insert("pg", "public.users", row("id", 1L), after, Position.of(1L));
        assertThatThrownBy(() -> e.after().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        ChangeEvent masked = e.withAfter(row("id", 1L, "email", "***"));
        assertThat(e.after()).containsEntry("email", "a@b.c");
        assertThat(masked.after()).containsEntry("email", "***");
        assertThat(masked.position()).isEqualTo(e.position());
        assertThat(e.table()).isEqualTo("users");
        ChangeEvent del = ChangeEvent.delete("pg", "public.users", row("id", 1L), row("id", 1L, "email", "a@b.c"), Position.of(2L));
        assertThat(del.data()).containsEntry("email", "a@b.c");
        assertThat(del.withData(row("id", 1L)).before()).containsOnlyKeys("id");
    }

    @Test
    void eventsRoundTripThroughJsonWithUnchangedFieldsAndNulls() throws Exception {
        ChangeEvent e = ChangeEvent.builder("pg", "public.users", Operation.UPDATE)
                .key(row("id", 1L)).before(row("id", 1L, "name", null)).after(row("id", 1L, "name", "x", "price", new BigDecimal("10.50")))
                .unchangedFields(Set.of("bio")).sourceTimestamp(Instant.parse("2026-11-25T10:00:00Z"))
                .position(Position.of(5L, 1L, 0L)).schemaRef(new SchemaRef("pg_users", 2)).build();
        String text = json.writeValueAsString(e);
        assertThat(text).contains("\"op\":\"UPDATE\"").contains("\"unchanged_fields\":[\"bio\"]").contains("\"source_ts\":\"2026-11-25T10:00:00Z\"")
                .contains("\"price\":10.50").contains("\"name\":null");
        ChangeEvent back = json.readValue(text, ChangeEvent.class);
        assertThat(back.position()).isEqualTo(e.position());
        assertThat(back.unchangedFields()).containsExactly("bio");
        assertThat(back.before()).containsEntry("name", null);
        assertThat(back.schemaRef()).isEqualTo(new SchemaRef("pg_users", 2));
        assertThat(Operation.parse("r")).isEqualTo(Operation.INSERT);
        String withOffset = json.writeValueAsString(e.withPosition(Position.of(5L, 1L, 0L).withOffset(Map.of("lsn", 99L, "txId", 7L))));
        assertThat(withOffset).as("event JSON carries the sort key, not the source's resume data")
                .contains("\"position\":{\"sort_key\":[5,1,0]}").doesNotContain("lsn");
        assertThat(Operation.INSERT.debeziumCode(true)).isEqualTo("r");
    }
}
