package io.etlcdc.cdc.debezium;

import io.etlcdc.core.annotation.PublicEvolving;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one database adds to the shared Debezium glue ({@link DebeziumSource}): the connector and its
 * properties, the checks before each engine start, the database's own order of changes, special
 * records (DDL, heartbeat tables) and how its failures read.
 *
 * <p>One dialect instance belongs to one source. {@link #prepare} and {@link #healthDetails} run on
 * the source's threads (never concurrently with each other's own calls, but concurrently with
 * {@link #streamKey}/{@link #adapt} on the engine thread), so implementations keep shared state
 * thread-safe (volatile fields or immutable snapshots).
 */
@PublicEvolving
public abstract class DebeziumDialect {

    /** The database's name for messages, e.g. {@code PostgreSQL}. */
    public abstract String databaseName();

    /** The Debezium connector class, e.g. {@code io.debezium.connector.postgresql.PostgresConnector}. */
    public abstract String connectorClass();

    /**
     * The connector's properties: connection, captured tables, snapshot mode, heartbeats. The glue adds
     * the engine's own ({@code name}, offset storage, {@code topic.prefix}, tombstones off, its retry
     * settings) before, and the user's {@code debezium.*} pass-through after these.
     */
    public abstract Map<String, String> connectorProperties(DebeziumSettings settings, List<String> tables);

    /**
     * Runs before every engine start (the first one and each reconnect): connects, checks what capture
     * needs, settles which tables are captured and whether the offset to resume from still exists.
     *
     * @param resume the Debezium offset to resume from, if any
     * @return what to start with: the tables (per-table problems reported, not thrown) and the offset to use
     * @throws EtlException {@link io.etlcdc.core.error.ErrorCode#POSITION_LOST} when the position is gone;
     *                      a {@link io.etlcdc.core.error.RetriableEtlException} when the database is unreachable
     */
    public abstract StartPlan prepare(DebeziumSettings settings, Optional<Map<String, Object>> resume);

    /**
     * The Debezium source partition the offsets of this connector belong to (PostgreSQL and MySQL:
     * {@code {"server": topicPrefix}}).
     */
    public Map<String, Object> sourcePartition(DebeziumSettings settings) {
        return Map.of("server", settings.sanitizedId());
    }

    /**
     * The database's own order of a streamed change, as whole numbers or strings (no epoch and no index:
     * the glue adds those). Events with equal keys are numbered in arrival order.
     */
    public abstract List<Object> streamKey(Map<String, ?> sourceOffset, Struct sourceInfo);

    /** The fully qualified name of a configured table, as Debezium names it (e.g. {@code public.users}). */
    public String qualify(String table) {
        return table;
    }

    /** The collection an envelope's {@code source} block names: {@code schema.table}, {@code db.table} or {@code db.collection}. */
    public String collection(Struct source, String topic) {
        if (source != null) {
            String table = fieldString(source, "table");
            if (table == null) {
                table = fieldString(source, "collection");
            }
            String ns = fieldString(source, "schema");
            if (ns == null) {
                ns = fieldString(source, "db");
            }
            if (table != null) {
                return ns == null ? table : ns + "." + table;
            }
        }
        return topic;
    }

    /**
     * Adjusts a mapped change event, e.g. turns rows of a DDL-capture table into DDL events. Returns
     * null to drop the record (it then only advances the position, like a heartbeat).
     */
    public ChangeEvent adapt(ChangeEvent event, SourceRecord record) {
        return event;
    }

    /**
     * True when this connector's change envelopes do not carry rows as Connect structs (MongoDB's JSON
     * documents): every record then goes to {@link #mapOther} instead of the shared envelope mapping.
     */
    public boolean mapsEnvelopes() {
        return false;
    }

    /**
     * Whether the connector's own connection is up while its engine runs, for connectors that reconnect by
     * themselves without failing the engine (the MySQL binlog reader); null when the dialect cannot tell.
     * Called from {@link DebeziumSource#health()}: must be cheap and non-blocking.
     */
    public Boolean connectorConnected(DebeziumSettings settings) {
        return null;
    }

    /** Maps a record that is not a change envelope (e.g. a MySQL schema change). Null ignores it. */
    public ChangeEvent mapOther(SourceRecord record, RecordContext context) {
        return null;
    }

    /**
     * The failure as the product reports it: retriable ({@link io.etlcdc.core.error.RetriableEtlException})
     * for connection trouble, {@link io.etlcdc.core.error.ErrorCode#POSITION_LOST} when the position is gone,
     * otherwise permanent. The default recognises connection-level errors; override for database codes.
     */
    public EtlException translate(Throwable error) {
        return DebeziumFailures.translate(databaseName(), error);
    }

    /** Database-specific health figures (e.g. {@code wal_retained_bytes}); called on a background thread. */
    public Map<String, Object> healthDetails(DebeziumSettings settings) {
        return Map.of();
    }

    /** Releases connections the dialect holds. */
    public void close() {
    }

    /** A field's string value, or null when the struct has no such field or it is null. */
    protected static String fieldString(Struct s, String name) {
        if (s.schema().field(name) == null) {
            return null;
        }
        Object v = s.get(name);
        return v == null ? null : v.toString();
    }

    /**
     * The outcome of {@link #prepare}: the tables to capture (already qualified), per-table problems
     * that keep a table out (the others are captured), and the offset to resume from (empty: start fresh
     * per the snapshot mode).
     */
    public record StartPlan(List<String> tables, Map<String, String> tableErrors, Optional<Map<String, Object>> resumeOffset) {
        public StartPlan {
            tables = List.copyOf(tables);
            tableErrors = Map.copyOf(tableErrors);
            resumeOffset = resumeOffset == null ? Optional.empty() : resumeOffset;
        }
    }

    /** What {@link #mapOther} may use to build an event with a proper position. */
    public interface RecordContext {
        String sourceId();

        /** The next position for a streamed record (see {@link PositionTracker#stream}). */
        io.etlcdc.core.event.Position streamPosition(List<Object> streamKey, Map<String, ?> offset);

        /** The next position for a record read by a snapshot (see {@link PositionTracker#snapshot}). */
        io.etlcdc.core.event.Position snapshotPosition(Map<String, ?> offset);
    }
}
