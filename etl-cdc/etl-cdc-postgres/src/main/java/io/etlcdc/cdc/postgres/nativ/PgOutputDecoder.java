package io.etlcdc.cdc.postgres.nativ;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Decodes the messages of PostgreSQL's {@code pgoutput} plugin, protocol version 1: Begin, Commit,
 * Origin, Relation, Type, Insert, Update (with the old key {@code K} or old row {@code O}), Delete and
 * Truncate; logical decoding messages ({@code M}) are skipped. Column values (text format) are
 * converted by each column's {@link PgType}; a TOASTed value the change did not touch is
 * {@link #UNCHANGED_TOAST}.
 *
 * <p>Keeps the relations PostgreSQL described (by OID) and resolves column types through the given
 * resolver (built-in types by OID, the rest from the catalog). Not thread-safe: one per stream.
 */
public final class PgOutputDecoder {

    /** Marks a column whose TOASTed value was not sent because the change did not touch it. */
    public static final Object UNCHANGED_TOAST = new Object() {
        @Override
        public String toString() {
            return "UNCHANGED_TOAST";
        }
    };

    /** 2000-01-01T00:00:00Z in epoch microseconds: PostgreSQL's timestamp epoch. */
    public static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** Receives decoded messages in stream order. */
    public interface Handler {
        /** @param finalLsn the LSN of the transaction's commit record; @param commitMicros commit time, epoch micros */
        void begin(long finalLsn, long commitMicros, long xid);

        /** @param commitLsn the commit record's LSN; @param endLsn the end of the transaction in the WAL */
        void commit(long commitLsn, long endLsn, long commitMicros);

        default void relation(PgRelation relation) {
        }

        void insert(PgRelation relation, Object[] newRow);

        /** @param oldKind {@code 'K'} (old key only), {@code 'O'} (whole old row) or 0 when no old values came */
        void update(PgRelation relation, char oldKind, Object[] oldRow, Object[] newRow);

        /** @param oldKind {@code 'K'} or {@code 'O'} */
        void delete(PgRelation relation, char oldKind, Object[] oldRow);

        void truncate(List<PgRelation> relations, boolean cascade, boolean restartIdentity);

        default void origin(long lsn, String name) {
        }

        default void type(int oid, String namespace, String name) {
        }
    }

    private final IntFunction<PgType> typeResolver;
    private final Map<Integer, PgRelation> relations = new HashMap<>();
    private byte[] scratch = new byte[256];

    /**
     * @param typeResolver resolves OIDs that are not built-in (enums, domains, extension types); may return
     *                     null, the column is then read as text of an unknown type
     */
    public PgOutputDecoder(IntFunction<PgType> typeResolver) {
        this.typeResolver = typeResolver;
    }

    /** The relation PostgreSQL described with this OID, or null. */
    public PgRelation relation(int oid) {
        return relations.get(oid);
    }

    /** Decodes one message (the buffer's remaining bytes) and calls the handler. */
    public void decode(ByteBuffer buf, Handler handler) {
        byte tag = buf.get();
        switch (tag) {
            case 'B' -> handler.begin(buf.getLong(), buf.getLong() + PG_EPOCH_MICROS, Integer.toUnsignedLong(buf.getInt()));
            case 'C' -> {
                buf.get(); // flags, unused
                long commitLsn = buf.getLong();
                long endLsn = buf.getLong();
                handler.commit(commitLsn, endLsn, buf.getLong() + PG_EPOCH_MICROS);
            }
            case 'O' -> handler.origin(buf.getLong(), cString(buf));
            case 'R' -> {
                PgRelation r = readRelation(buf);
                relations.put(r.oid(), r);
                handler.relation(r);
            }
            case 'Y' -> {
                int oid = buf.getInt();
                String ns = cString(buf);
                handler.type(oid, ns, cString(buf));
            }
            case 'I' -> {
                PgRelation r = relationOf(buf.getInt());
                expect(buf.get(), 'N', "Insert");
                handler.insert(r, readTuple(buf, r));
            }
            case 'U' -> {
                PgRelation r = relationOf(buf.getInt());
                byte kind = buf.get();
                char oldKind = 0;
                Object[] old = null;
                if (kind == 'K' || kind == 'O') {
                    oldKind = (char) kind;
                    old = readTuple(buf, r);
                    kind = buf.get();
                }
                expect(kind, 'N', "Update");
                handler.update(r, oldKind, old, readTuple(buf, r));
            }
            case 'D' -> {
                PgRelation r = relationOf(buf.getInt());
                byte kind = buf.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput Delete: expected old tuple K or O, got '" + (char) kind + "'");
                }
                handler.delete(r, (char) kind, readTuple(buf, r));
            }
            case 'T' -> {
                int n = buf.getInt();
                byte options = buf.get();
                List<PgRelation> rels = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    rels.add(relationOf(buf.getInt()));
                }
                handler.truncate(rels, (options & 1) != 0, (options & 2) != 0);
            }
            case 'M' -> { } // logical decoding message: not a row change
            default -> throw new IllegalStateException("unknown pgoutput message type '" + (char) tag + "' (protocol version 1 expected)");
        }
    }

    private static void expect(byte got, char wanted, String message) {
        if (got != wanted) {
            throw new IllegalStateException("pgoutput " + message + ": expected '" + wanted + "', got '" + (char) got + "'");
        }
    }

    private PgRelation relationOf(int oid) {
        PgRelation r = relations.get(oid);
        if (r == null) {
            throw new IllegalStateException("pgoutput change for relation " + oid + " before its Relation message");
        }
        return r;
    }

    private PgRelation readRelation(ByteBuffer buf) {
        int oid = buf.getInt();
        String ns = cString(buf);
        String name = cString(buf);
        char identity = (char) buf.get();
        int n = buf.getShort();
        List<PgRelation.Column> cols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (buf.get() & 1) != 0;
            String col = cString(buf);
            int typeOid = buf.getInt();
            int typmod = buf.getInt();
            cols.add(new PgRelation.Column(col, key, resolve(typeOid), typmod));
        }
        return new PgRelation(oid, ns.isEmpty() ? "pg_catalog" : ns, name, identity, cols);
    }

    private PgType resolve(int oid) {
        PgType t = PgValues.builtIn(oid);
        if (t == null && typeResolver != null) {
            t = typeResolver.apply(oid);
        }
        return t == null ? PgType.unknown(oid, null) : t;
    }

    private Object[] readTuple(ByteBuffer buf, PgRelation r) {
        int n = buf.getShort();
        List<PgRelation.Column> cols = r.columns();
        if (n != cols.size()) {
            throw new IllegalStateException("pgoutput tuple of " + r.qualified() + " has " + n + " columns, its Relation message "
                    + cols.size());
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            byte kind = buf.get();
            switch (kind) {
                case 'n' -> out[i] = null;
                case 'u' -> out[i] = UNCHANGED_TOAST;
                case 't' -> {
                    int len = buf.getInt();
                    String text = utf8(buf, len);
                    PgRelation.Column c = cols.get(i);
                    try {
                        out[i] = c.type().parser().apply(text);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("cannot read column " + c.name() + " of " + r.qualified() + " (type "
                                + c.type().name() + ") from '" + abbreviate(text) + "': " + e.getMessage(), e);
                    }
                }
                case 'b' -> throw new IllegalStateException("pgoutput sent a binary value; the native engine asks for text values");
                default -> throw new IllegalStateException("pgoutput tuple: unknown column kind '" + (char) kind + "'");
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private String utf8(ByteBuffer buf, int len) {
        if (buf.hasArray()) {
            String s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
            buf.position(buf.position() + len);
            return s;
        }
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        buf.get(scratch, 0, len);
        return new String(scratch, 0, len, StandardCharsets.UTF_8);
    }

    private static String cString(ByteBuffer buf) {
        int start = buf.position();
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(b);
        buf.get(); // the terminating zero
        return new String(b, StandardCharsets.UTF_8);
    }
}
