package io.etlcdc.cdc.postgres.nativ;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgOutputDecoderTest {

    /** Builds pgoutput messages byte by byte. */
    private static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg(char tag) {
            out.write(tag);
        }

        Msg i8(int v) {
            out.write(v);
            return this;
        }

        Msg i16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Msg i32(int v) {
            return i16(v >>> 16).i16(v & 0xffff);
        }

        Msg i64(long v) {
            return i32((int) (v >>> 32)).i32((int) v);
        }

        Msg str(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        Msg text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i8('t').i32(b.length);
            out.writeBytes(b);
            return this;
        }

        ByteBuffer buf() {
            return ByteBuffer.wrap(out.toByteArray());
        }
    }

    private static final class Recorder implements PgOutputDecoder.Handler {
        final List<String> calls = new ArrayList<>();
        Object[] lastNew;
        Object[] lastOld;

        @Override
        public void begin(long finalLsn, long commitMicros, long xid) {
            calls.add("begin " + finalLsn + " " + commitMicros + " " + xid);
        }

        @Override
        public void commit(long commitLsn, long endLsn, long commitMicros) {
            calls.add("commit " + commitLsn + " " + endLsn + " " + commitMicros);
        }

        @Override
        public void relation(PgRelation relation) {
            calls.add("relation " + relation.qualified() + " " + relation.replicaIdentity());
        }

        @Override
        public void insert(PgRelation relation, Object[] newRow) {
            lastNew = newRow;
            calls.add("insert " + relation.name());
        }

        @Override
        public void update(PgRelation relation, char oldKind, Object[] oldRow, Object[] newRow) {
            lastOld = oldRow;
            lastNew = newRow;
            calls.add("update " + relation.name() + " " + (oldKind == 0 ? "-" : String.valueOf(oldKind)));
        }

        @Override
        public void delete(PgRelation relation, char oldKind, Object[] oldRow) {
            lastOld = oldRow;
            calls.add("delete " + relation.name() + " " + oldKind);
        }

        @Override
        public void truncate(List<PgRelation> relations, boolean cascade, boolean restartIdentity) {
            calls.add("truncate " + relations.stream().map(PgRelation::name).toList() + " " + cascade + " " + restartIdentity);
        }

        @Override
        public void origin(long lsn, String name) {
            calls.add("origin " + lsn + " " + name);
        }

        @Override
        public void type(int oid, String namespace, String name) {
            calls.add("type " + oid + " " + namespace + "." + name);
        }
    }

    private static Msg relation(int oid, char identity, Object... cols) {
        Msg m = new Msg('R').i32(oid).str("public").str("t").i8(identity).i16(cols.length / 3);
        for (int i = 0; i < cols.length; i += 3) {
            m.i8((Boolean) cols[i] ? 1 : 0).str((String) cols[i + 1]).i32((Integer) cols[i + 2]).i32(-1);
        }
        return m;
    }

    @Test
    void beginCommitOriginAndTypeMessages() {
        Recorder r = new Recorder();
        PgOutputDecoder d = new PgOutputDecoder(oid -> null);
        d.decode(new Msg('B').i64(0x1_0000_0010L).i64(1_000_000L).i32(0xFFFFFFFE).buf(), r);
        d.decode(new Msg('O').i64(77L).str("node_a").buf(), r);
        d.decode(new Msg('Y').i32(16500).str("public").str("mood").buf(), r);
        d.decode(new Msg('C').i8(0).i64(0x1_0000_0010L).i64(0x1_0000_0040L).i64(1_000_000L).buf(), r);
        long micros = PgOutputDecoder.PG_EPOCH_MICROS + 1_000_000L;
        assertThat(r.calls).containsExactly("begin 4294967312 " + micros + " 4294967294", "origin 77 node_a", "type 16500 public.mood",
                "commit 4294967312 4294967360 " + micros);
        assertThat(Instant.ofEpochSecond(0, micros * 1000)).isEqualTo(Instant.parse("2000-01-01T00:00:01Z"));
    }

    @Test
    void insertUpdateWithOldKeyAndOldRowDeleteAndTruncate() {
        Recorder r = new Recorder();
        PgOutputDecoder d = new PgOutputDecoder(oid -> null);
        d.decode(relation(100, 'd', true, "id", PgValues.INT8, false, "name", PgValues.TEXT, false, "doc", PgValues.TEXT).buf(), r);
        d.decode(new Msg('I').i32(100).i8('N').i16(3).text("1").text("one").i8('n').buf(), r);
        assertThat(r.lastNew).containsExactly(1L, "one", null);
        d.decode(new Msg('U').i32(100).i8('N').i16(3).text("1").text("uno").i8('u').buf(), r);
        assertThat(r.lastOld).isNull();
        assertThat(r.lastNew).containsExactly(1L, "uno", PgOutputDecoder.UNCHANGED_TOAST);
        d.decode(new Msg('U').i32(100).i8('K').i16(3).text("1").i8('n').i8('n').i8('N').i16(3).text("2").text("uno").text("x").buf(), r);
        assertThat(r.lastOld).containsExactly(1L, null, null);
        assertThat(r.lastNew).containsExactly(2L, "uno", "x");
        d.decode(new Msg('U').i32(100).i8('O').i16(3).text("2").text("uno").text("x").i8('N').i16(3).text("2").text("dos").text("x").buf(), r);
        d.decode(new Msg('D').i32(100).i8('K').i16(3).text("2").i8('n').i8('n').buf(), r);
        assertThat(r.lastOld).containsExactly(2L, null, null);
        d.decode(relation(101, 'f', true, "k", PgValues.INT4).buf(), r);
        d.decode(new Msg('T').i32(2).i8(3).i32(100).i32(101).buf(), r);
        assertThat(r.calls).containsExactly("relation public.t d", "insert t", "update t -", "update t K", "update t O", "delete t K",
                "relation public.t f", "truncate [t, t] true true");
    }

    @Test
    void valuesAreTypedByTheColumnsTypeOid() {
        Recorder r = new Recorder();
        PgOutputDecoder d = new PgOutputDecoder(oid -> oid == 16500 ? PgType.enumType(16500, "mood") : null);
        Object[] cols = {
                false, "a", PgValues.INT2, false, "b", PgValues.INT4, false, "c", PgValues.INT8, false, "d", PgValues.NUMERIC,
                false, "e", PgValues.NUMERIC, false, "f", PgValues.BOOL, false, "g", PgValues.FLOAT4, false, "h", PgValues.FLOAT8,
                false, "i", PgValues.VARCHAR, false, "j", PgValues.BPCHAR, false, "k", PgValues.DATE, false, "l", PgValues.TIME,
                false, "m", PgValues.TIMETZ, false, "n", PgValues.TIMESTAMP, false, "o", PgValues.TIMESTAMPTZ, false, "p", PgValues.UUID,
                false, "q", PgValues.JSONB, false, "r", PgValues.BYTEA, false, "s", 1007, false, "t", 1009, false, "u", 16500,
                false, "v", 99999, false, "w", PgValues.TIMESTAMPTZ, false, "x", PgValues.FLOAT8, false, "y", PgValues.TIME};
        d.decode(relation(200, 'd', cols).buf(), r);
        d.decode(new Msg('I').i32(200).i8('N').i16(25).text("-32768").text("2147483647").text("-9223372036854775808")
                .text("12.50").text("NaN").text("t").text("1.5").text("-2.25").text("héllo").text("ab  ")
                .text("2024-02-29").text("13:14:15.123456").text("10:00:00+02").text("2024-01-02 03:04:05.5")
                .text("2024-01-02 03:04:05+05:30").text("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11").text("{\"a\": 1}").text("\\x00ff10")
                .text("{1,NULL,3}").text("{\"a,b\",\"c\\\"d\",plain}").text("happy").text("(1,2)").text("infinity").text("NaN")
                .text("24:00:00").buf(), r);
        Object[] v = r.lastNew;
        assertThat(Arrays.asList(v).subList(0, 10)).containsExactly(-32768, 2147483647, Long.MIN_VALUE, new BigDecimal("12.50"), null,
                true, 1.5f, -2.25d, "héllo", "ab  ");
        assertThat(v[10]).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(v[11]).isEqualTo(LocalTime.of(13, 14, 15, 123_456_000));
        assertThat(v[12]).isEqualTo("08:00:00Z");
        assertThat(v[13]).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000));
        assertThat(v[14]).isEqualTo(Instant.parse("2024-01-01T21:34:05Z"));
        assertThat(v[15]).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(v[16]).isEqualTo("{\"a\": 1}");
        assertThat((byte[]) v[17]).containsExactly(0, 0xff, 0x10);
        assertThat(v[18]).isEqualTo(Arrays.asList(1, null, 3));
        assertThat(v[19]).isEqualTo(List.of("a,b", "c\"d", "plain"));
        assertThat(v[20]).isEqualTo("happy");
        assertThat(v[21]).isEqualTo("(1,2)");
        assertThat(d.relation(200).columns().get(21).type().type()).isEqualTo(io.etlcdc.core.event.ColumnType.UNKNOWN);
        assertThat(d.relation(200).columns().get(21).type().name()).isEqualTo("oid:99999");
        assertThat(v[22]).isEqualTo("infinity");
        assertThat((Double) v[23]).isNaN();
        assertThat(v[24]).isEqualTo(LocalTime.MAX);
    }

    @Test
    void valueHelpersCoverTheEdgeCases() {
        assertThat(PgValues.date("0044-03-15 BC")).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(PgValues.timestamp("2024-01-02 03:04:05")).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
        assertThat(PgValues.timestamptz("2024-01-02 03:04:05.123-08")).isEqualTo(Instant.parse("2024-01-02T11:04:05.123Z"));
        assertThat(PgValues.parseArray("{{1,2},{3,4}}", ',', Integer::parseInt)).isEqualTo(List.of(List.of(1, 2), List.of(3, 4)));
        assertThat(PgValues.parseArray("{}", ',', s -> s)).isEmpty();
        assertThat(PgValues.parseArray("[0:1]={7,8}", ',', Integer::parseInt)).isEqualTo(List.of(7, 8));
        assertThat(PgValues.bytea("a\\\\b\\001")).containsExactly('a', '\\', 'b', 1);
        assertThat(PgValues.numeric("Infinity")).isNull();
        assertThat(PgValues.numeric("-Infinity")).isNull();
        assertThat(PgValues.numeric("-1.000")).isEqualTo(new BigDecimal("-1.000"));
        assertThat(PgValues.interval("1 year 2 mons 3 days 04:05:06.78")).isEqualTo("P1Y2M3DT4H5M6.78S");
        assertThat(PgValues.interval("-1 days +02:00:00")).isEqualTo("P0Y0M-1DT2H0M0S");
        assertThat(PgValues.interval("-3 mons -00:00:01.5")).isEqualTo("P0Y-3M0DT0H0M-1.5S");
        assertThat(PgValues.interval("00:00:00")).isEqualTo("P0Y0M0DT0H0M0S");
        assertThat(PgValues.money("-$1,234.50")).isEqualTo(new BigDecimal("-1234.50"));
        assertThat(PgValues.date("infinity")).isEqualTo(LocalDate.of(-5877611, 6, 21));
        assertThat(PgValues.timestamp("infinity")).isEqualTo(LocalDateTime.parse("+294247-01-10T04:00:25.200"));
    }

    @Test
    void malformedStreamsFailWithWhatWasWrong() {
        PgOutputDecoder d = new PgOutputDecoder(oid -> null);
        Recorder r = new Recorder();
        assertThatThrownBy(() -> d.decode(new Msg('I').i32(5).i8('N').i16(0).buf(), r))
                .hasMessageContaining("relation 5 before its Relation message");
        assertThatThrownBy(() -> d.decode(new Msg('Z').buf(), r)).hasMessageContaining("unknown pgoutput message type 'Z'");
        d.decode(relation(6, 'd', true, "id", PgValues.INT4).buf(), r);
        assertThatThrownBy(() -> d.decode(new Msg('I').i32(6).i8('N').i16(1).text("x1").buf(), r))
                .hasMessageContaining("cannot read column id of public.t (type int4) from 'x1'");
        assertThatThrownBy(() -> d.decode(new Msg('I').i32(6).i8('N').i16(2).text("1").text("2").buf(), r))
                .hasMessageContaining("has 2 columns");
    }
}
