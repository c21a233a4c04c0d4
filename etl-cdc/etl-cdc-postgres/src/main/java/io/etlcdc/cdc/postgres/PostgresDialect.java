package io.etlcdc.cdc.postgres;

import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.cdc.debezium.DebeziumFailures;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PostgreSQL for the Debezium glue: logical replication with {@code pgoutput}, a slot and a filtered
 * publication the connector creates if missing and reuses, heartbeats that write a row of ours so the
 * slot moves while captured tables are idle, optional DDL capture through an event trigger, and the
 * checks before each start (wal_level, REPLICATION, per-table problems, the slot to resume from).
 *
 * <p>Stream order is {@code [lastCommitLsn, lsn]}: transactions arrive in commit order and each
 * carries the commit LSN of the one before it, changes within a transaction arrive in LSN order, and
 * rows sharing one WAL record are numbered by the glue.
 */
final class PostgresDialect extends DebeziumDialect {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresDialect.class);
    static final String OWN_SCHEMA = "etl_cdc";
    static final String HEARTBEAT_TABLE = OWN_SCHEMA + ".heartbeat";
    static final String DDL_TABLE = OWN_SCHEMA + ".ddl_log";
    private static final String LSN_COMMIT = "lsn_commit";
    private static final String LSN_PROC = "lsn_proc";
    private static final String LSN = "lsn";

    private final PgConnector pg;
    private final String slotName;
    private final String publicationName;
    private final boolean fullIdentity;
    private final boolean captureDdl;
    private final boolean heartbeatWrite;
    private volatile boolean heartbeatTableReady;
    private volatile Set<String> capturedTables = Set.of();
    private volatile Set<String> keyOnlyBeforeTables = Set.of();

    PostgresDialect(PgConnector pg, String sanitizedId, Configuration config) {
        this.pg = pg;
        this.slotName = config.getOptional(PostgresOptions.SLOT_NAME).orElse(defaultSlot(sanitizedId));
        this.publicationName = config.getOptional(PostgresOptions.PUBLICATION_NAME).orElse(truncate("etl_" + sanitizedId, 59) + "_pub");
        this.fullIdentity = "full".equalsIgnoreCase(config.get(PostgresOptions.REPLICA_IDENTITY));
        this.captureDdl = config.get(PostgresOptions.CAPTURE_DDL);
        this.heartbeatWrite = config.get(PostgresOptions.HEARTBEAT_WRITE);
    }

    static String defaultSlot(String sanitizedId) {
        return truncate("etl_" + sanitizedId, 63);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    String slotName() {
        return slotName;
    }

    String publicationName() {
        return publicationName;
    }

    PgConnector connector() {
        return pg;
    }

    /** True once {@link #prepare} created (or found) the heartbeat table. */
    boolean heartbeatTableReady() {
        return heartbeatTableReady;
    }

    boolean capturesDdl() {
        return captureDdl;
    }

    /** The heartbeat write that makes the slot move while the captured tables are idle. */
    String heartbeatStatement() {
        return "INSERT INTO " + HEARTBEAT_TABLE + " (slot_name, beat_at) VALUES ('" + slotName
                + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = EXCLUDED.beat_at";
    }

    @Override
    public String databaseName() {
        return "PostgreSQL";
    }

    @Override
    public String connectorClass() {
        return "io.debezium.connector.postgresql.PostgresConnector";
    }

    @Override
    public String qualify(String table) {
        return qualifyTable(table);
    }

    static String qualifyTable(String table) {
        String t = table.trim();
        return t.indexOf('.') < 0 ? "public." + t : t;
    }

    @Override
    public Map<String, String> connectorProperties(DebeziumSettings settings, List<String> tables) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("database.hostname", pg.host());
        p.put("database.port", Integer.toString(pg.port()));
        p.put("database.user", pg.user());
        p.put("database.password", pg.password());
        p.put("database.dbname", pg.database());
        pg.params().forEach((k, v) -> p.put("database." + k, v));
        p.put("plugin.name", "pgoutput");
        p.put("slot.name", slotName);
        p.put("publication.name", publicationName);
        p.put("publication.autocreate.mode", "filtered");
        List<String> include = new ArrayList<>(tables);
        if (heartbeatTableReady) {
            include.add(HEARTBEAT_TABLE);
        }
        if (captureDdl) {
            include.add(DDL_TABLE);
        }
        p.put("table.include.list", String.join(",", include.stream().map(PostgresDialect::exact).toList()));
        p.put("snapshot.mode", switch (settings.snapshotMode()) {
            case "never" -> "no_data";
            case "when_needed" -> "when_needed";
            default -> "initial";
        });
        if (settings.heartbeatsEnabled()) {
            p.put("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
            if (heartbeatTableReady) {
                p.put("heartbeat.action.query", "INSERT INTO " + HEARTBEAT_TABLE + " (slot_name, beat_at) VALUES ('" + slotName
                        + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = EXCLUDED.beat_at");
            }
        }
        p.put("skipped.operations", "none");
        p.put("column.propagate.source.type", ".*");
        p.put("include.unknown.datatypes", "true");
        p.put("interval.handling.mode", "string");
        p.put("hstore.handling.mode", "json");
        p.put("decimal.handling.mode", "precise");
        p.put("slot.drop.on.stop", "false");
        return p;
    }

    /** A table name as an exact Debezium include-list pattern. */
    private static String exact(String qualified) {
        return Pattern.quote(qualified).replace(",", "\\,");
    }

    @Override
    public StartPlan prepare(DebeziumSettings settings, Optional<Map<String, Object>> resume) {
        try (Connection c = pg.open()) {
            List<String> problems = new ArrayList<>();
            checkServer(c, problems);
            if (!problems.isEmpty()) {
                throw new EtlException(ErrorCode.SOURCE_FAILED, String.join("; ", problems));
            }
            Map<String, String> tableErrors = new LinkedHashMap<>();
            List<String> tables = new ArrayList<>();
            Set<String> keyOnly = new HashSet<>();
            for (String configured : settings.tables()) {
                String q = qualifyTable(configured);
                PgCatalog.TableInfo info = PgCatalog.table(c, q);
                String problem = tableProblem(info);
                if (problem == null && fullIdentity && !info.fullIdentity()) {
                    problem = setFullIdentity(c, q);
                    if (problem == null) {
                        info = PgCatalog.table(c, q);
                    }
                }
                if (problem != null) {
                    tableErrors.put(q, problem);
                    continue;
                }
                tables.add(q);
                if (!info.fullIdentity()) {
                    keyOnly.add(q);
                }
            }
            capturedTables = Set.copyOf(tables);
            keyOnlyBeforeTables = Set.copyOf(keyOnly);
            if (settings.heartbeatsEnabled() && heartbeatWrite) {
                heartbeatTableReady = ensureHeartbeatTable(c);
            }
            if (captureDdl) {
                installDdlCapture(c);
            }
            Optional<Map<String, Object>> offset = checkSlot(c, settings, resume);
            return new StartPlan(tables, tableErrors, offset);
        } catch (SQLException e) {
            throw pg.connectionError(e);
        }
    }

    /** Problems that stop any capture: wal_level and the REPLICATION privilege. */
    void checkServer(Connection c, List<String> problems) throws SQLException {
        String walLevel = PgCatalog.single(c, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add("wal_level is '" + walLevel + "' but logical replication needs 'logical': run "
                    + "ALTER SYSTEM SET wal_level = logical (or set it in postgresql.conf) and restart PostgreSQL");
        }
        if (!PgCatalog.canReplicate(c)) {
            problems.add("user '" + pg.user() + "' lacks the REPLICATION privilege: run ALTER ROLE " + pg.user()
                    + " WITH REPLICATION (on Amazon RDS: GRANT rds_replication TO " + pg.user() + ")");
        }
    }

    /** Why a table cannot be captured, or null. */
    String tableProblem(PgCatalog.TableInfo info) {
        if (!info.exists()) {
            return "table does not exist (names are case-sensitive; unqualified names mean schema public)";
        }
        if (!info.canSelect()) {
            return "permission denied: run GRANT SELECT ON " + info.qualified() + " TO " + pg.user();
        }
        if (!info.hasPrimaryKey() && !info.fullIdentity() && !fullIdentity) {
            return "has no primary key: add one, or set replica_identity: full (or ALTER TABLE " + info.qualified()
                    + " REPLICA IDENTITY FULL) to capture it keyed by whole rows";
        }
        return null;
    }

    private String setFullIdentity(Connection c, String table) {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + quoteQualified(table) + " REPLICA IDENTITY FULL");
            return null;
        } catch (SQLException e) {
            return "cannot set REPLICA IDENTITY FULL (" + e.getMessage() + "): run it as the table owner or use replica_identity: default";
        }
    }

    static String quoteQualified(String qualified) {
        int dot = qualified.indexOf('.');
        return quoteIdent(qualified.substring(0, dot)) + "." + quoteIdent(qualified.substring(dot + 1));
    }

    static String quoteIdent(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private boolean ensureHeartbeatTable(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + OWN_SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + HEARTBEAT_TABLE + " (slot_name text PRIMARY KEY, beat_at timestamptz NOT NULL)");
            return true;
        } catch (SQLException e) {
            LOG.warn("heartbeat writes are off: cannot create {} ({}); grant CREATE on the database or set heartbeat_write: false",
                    HEARTBEAT_TABLE, e.getMessage());
            return false;
        }
    }

    private void installDdlCapture(Connection c) throws SQLException {
        if (!PgCatalog.isSuperuser(c)) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "capture_ddl needs an event trigger, which only a superuser can "
                    + "create: connect as a superuser once (the trigger stays), or set capture_ddl: false");
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + OWN_SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + DDL_TABLE + " (id bigserial PRIMARY KEY, command_tag text NOT NULL, "
                    + "object_type text, object_identity text, ddl text NOT NULL, captured_at timestamptz NOT NULL DEFAULT now())");
            s.execute("CREATE OR REPLACE FUNCTION " + OWN_SCHEMA + ".record_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"
                    + "DECLARE r record;\n"
                    + "BEGIN\n"
                    + "  IF TG_EVENT = 'ddl_command_end' THEN\n"
                    + "    FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP\n"
                    + "      IF r.object_type = 'table' AND r.schema_name IS DISTINCT FROM '" + OWN_SCHEMA + "' THEN\n"
                    + "        INSERT INTO " + DDL_TABLE + " (command_tag, object_type, object_identity, ddl)\n"
                    + "        VALUES (r.command_tag, r.object_type, r.object_identity, current_query());\n"
                    + "      END IF;\n"
                    + "    END LOOP;\n"
                    + "  ELSIF TG_EVENT = 'sql_drop' THEN\n"
                    + "    FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP\n"
                    + "      IF r.original AND r.object_type = 'table' AND r.schema_name IS DISTINCT FROM '" + OWN_SCHEMA + "' THEN\n"
                    + "        INSERT INTO " + DDL_TABLE + " (command_tag, object_type, object_identity, ddl)\n"
                    + "        VALUES ('DROP TABLE', r.object_type, r.object_identity, current_query());\n"
                    + "      END IF;\n"
                    + "    END LOOP;\n"
                    + "  END IF;\n"
                    + "END $$");
            s.execute("DO $$ BEGIN\n"
                    + "  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'etl_cdc_ddl_end') THEN\n"
                    + "    CREATE EVENT TRIGGER etl_cdc_ddl_end ON ddl_command_end EXECUTE FUNCTION " + OWN_SCHEMA + ".record_ddl();\n"
                    + "  END IF;\n"
                    + "  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'etl_cdc_ddl_drop') THEN\n"
                    + "    CREATE EVENT TRIGGER etl_cdc_ddl_drop ON sql_drop EXECUTE FUNCTION " + OWN_SCHEMA + ".record_ddl();\n"
                    + "  END IF;\n"
                    + "END $$");
            s.execute("DELETE FROM " + DDL_TABLE + " WHERE captured_at < now() - interval '7 days'");
        }
    }

    /**
     * Decides the offset to resume from: the slot must still exist (else the changes since the committed
     * position are gone); when heartbeats moved the slot past the committed position, resume from the slot.
     */
    private Optional<Map<String, Object>> checkSlot(Connection c, DebeziumSettings settings, Optional<Map<String, Object>> resume)
            throws SQLException {
        Optional<PgCatalog.SlotInfo> slot = PgCatalog.slot(c, slotName);
        if (slot.isPresent() && !pg.database().equals(slot.get().database())) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "replication slot '" + slotName + "' belongs to database '"
                    + slot.get().database() + "', not '" + pg.database() + "': choose another slot_name");
        }
        if (resume.isEmpty() || snapshotInProgress(resume.get())) {
            return resume;
        }
        boolean lost = slot.isEmpty() || "lost".equals(slot.get().walStatus());
        if (lost) {
            String why = slot.isEmpty() ? "replication slot '" + slotName + "' no longer exists (dropped, or lost in a failover)"
                    : "replication slot '" + slotName + "' lost the WAL it needs (max_slot_wal_keep_size exceeded)";
            if ("when_needed".equals(settings.snapshotMode())) {
                LOG.warn("source {}: {}; snapshot_mode is when_needed, so every table is read again as a new snapshot",
                        settings.sourceId(), why);
                if (slot.isPresent()) {
                    dropSlot(c);
                }
                return Optional.empty();
            }
            throw new EtlException(ErrorCode.POSITION_LOST, why + ": the changes since the committed position cannot be read "
                    + "any more. Re-snapshot: restart the source with snapshot_mode: when_needed (or reset its committed "
                    + "position) to read every table again; nothing is resumed from 'now' silently.");
        }
        Long confirmed = slot.get().confirmedFlushLsn();
        Map<String, Object> offset = resume.get();
        Long anchor = asLong(offset.get(LSN_COMMIT));
        if (anchor == null) {
            anchor = asLong(offset.get(LSN_PROC));
        }
        if (confirmed != null && anchor != null && confirmed > anchor) {
            // heartbeats confirmed the slot past our last event, which they do only once everything before was delivered:
            // resume from the slot so that the first transaction's order key is the slot's position
            Map<String, Object> moved = new LinkedHashMap<>(offset);
            moved.put(LSN_COMMIT, confirmed);
            moved.put(LSN_PROC, confirmed);
            moved.put(LSN, confirmed);
            moved.put("messageType", "COMMIT");
            return Optional.of(moved);
        }
        return resume;
    }

    private void dropSlot(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('" + slotName.replace("'", "''") + "')");
        } catch (SQLException e) {
            LOG.warn("could not drop the lost slot {}: {}", slotName, e.getMessage());
        }
    }

    private static boolean snapshotInProgress(Map<String, Object> offset) {
        Object snapshot = offset.get("snapshot");
        Object last = offset.get("last_snapshot_record");
        Object completed = offset.get("snapshot_completed");
        boolean inSnapshot = snapshot != null && !"false".equalsIgnoreCase(String.valueOf(snapshot));
        return inSnapshot && !Boolean.TRUE.equals(last) && !Boolean.TRUE.equals(completed);
    }

    private static Long asLong(Object v) {
        return v instanceof Number n ? n.longValue() : null;
    }

    @Override
    public List<Object> streamKey(Map<String, ?> sourceOffset, Struct sourceInfo) {
        Long commit = asLong(sourceOffset.get(LSN_COMMIT));
        Long lsn = asLong(sourceOffset.get(LSN));
        return List.of(commit == null ? 0L : commit, lsn == null ? 0L : lsn);
    }

    @Override
    public ChangeEvent adapt(ChangeEvent event, SourceRecord record) {
        String collection = event.collection();
        if (collection.startsWith(OWN_SCHEMA + ".")) {
            if (collection.equals(DDL_TABLE) && event.operation() == Operation.INSERT && !event.snapshot()) {
                return ddlEvent(event);
            }
            return null;
        }
        if (keyOnlyBeforeTables.contains(collection) && event.before() != null && event.key() != null
                && (event.operation() == Operation.UPDATE || event.operation() == Operation.DELETE)) {
            // without REPLICA IDENTITY FULL the old row holds only the key; the other columns would read as NULL
            return event.withBefore(null);
        }
        return event;
    }

    private ChangeEvent ddlEvent(ChangeEvent row) {
        Map<String, Object> after = row.after();
        Object identity = after.get("object_identity");
        Object ddl = after.get("ddl");
        if (identity == null || ddl == null) {
            return null;
        }
        String table = unquote(identity.toString());
        if (!capturedTables.contains(table)) {
            return null;
        }
        return ChangeEvent.builder(row.sourceId(), table, Operation.DDL)
                .ddl(ddl.toString())
                .sourceTimestamp(row.sourceTimestamp())
                .position(row.position())
                .build();
    }

    private static String unquote(String identity) {
        return identity.replace("\"", "");
    }

    @Override
    public EtlException translate(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException e) {
                return e;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                String msg = String.valueOf(sql.getMessage());
                if (state.equals("42704") && msg.contains("replication slot")) {
                    return new EtlException(ErrorCode.POSITION_LOST, "replication slot '" + slotName + "' disappeared while capturing ("
                            + msg + "); re-snapshot: restart the source with snapshot_mode: when_needed", error);
                }
                if (state.equals("28P01") || state.equals("28000") || state.equals("3D000")) {
                    return pg.connectionError(sql);
                }
                if (state.equals("42501")) {
                    return new EtlException(ErrorCode.SOURCE_FAILED, "permission denied: " + Secrets.maskText(msg), error);
                }
                if (state.equals("55006")) {
                    return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "replication slot '" + slotName
                            + "' is in use by another process; waiting for it to be released", error);
                }
            }
        }
        return DebeziumFailures.translate(databaseName(), error);
    }

    @Override
    public Map<String, Object> healthDetails(DebeziumSettings settings) {
        try (Connection c = pg.open()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("slot_name", slotName);
            d.put("publication_name", publicationName);
            Optional<long[]> backlog = PgCatalog.slotBacklog(c, slotName);
            if (backlog.isPresent()) {
                d.put("wal_retained_bytes", backlog.get()[0]);
                d.put("slot_unconfirmed_bytes", backlog.get()[1]);
            }
            return d;
        } catch (SQLException | EtlException e) {
            return Map.of("slot_name", slotName);
        }
    }
}
