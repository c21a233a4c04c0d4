package io.etlcdc.cdc.mysql;

import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.cdc.debezium.DebeziumFailures;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.spi.StateStore;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL and MariaDB for the Debezium glue: the binlog in ROW format read by Debezium's MySQL connector as a
 * replica, row changes with full before/after images, TRUNCATE, and DDL statements (from the connector's
 * schema-change records) as DDL events; the connector's schema history kept in the product's
 * {@link StateStore} beside the offsets ({@link StateStoreSchemaHistory}).
 *
 * <p>Stream order is {@code [binlogFileNumber, transactionPosition, eventsInTransaction, rowsInEvent]} from each
 * change's Debezium offset: unique per row change and increasing along the binlog, across file rotations and server
 * restarts.
 *
 * <p>Before each start it checks the server (binlog on, ROW format, full row images, replication privileges),
 * the tables, and that the binlog file to resume from still exists (else {@link ErrorCode#POSITION_LOST}, or a
 * new snapshot with {@code snapshot_mode: when_needed}).
 */
final class MySqlDialect extends DebeziumDialect {
    private static final Logger LOG = LoggerFactory.getLogger(MySqlDialect.class);
    private static final String CONNECTOR = "io.debezium.connector.mysql.MySqlConnector";
    private static final Pattern WORDS = Pattern.compile("[`\"]?([A-Za-z0-9_$]+)[`\"]?\\s*\\.\\s*[`\"]?([A-Za-z0-9_$]+)[`\"]?|[`\"]?([A-Za-z0-9_$]+)[`\"]?");

    private final MySqlEndpoint endpoint;
    private final String sourceId;
    private final long serverId;
    private final boolean includeQuery;
    private final StateStore historyStore;
    private final String historyNamespace;
    private final String historyToken = UUID.randomUUID().toString();
    private volatile boolean mariaDb;
    private volatile Set<String> capturedTables = Set.of();
    private volatile boolean captureAll;

    MySqlDialect(MySqlEndpoint endpoint, String sourceId, Configuration config, StateStore historyStore) {
        this.endpoint = endpoint;
        this.sourceId = sourceId;
        this.serverId = config.getOptional(MySqlOptions.SERVER_ID).orElse(defaultServerId(sourceId));
        this.includeQuery = config.get(MySqlOptions.INCLUDE_QUERY);
        this.historyStore = historyStore;
        this.historyNamespace = StateStoreSchemaHistory.namespace(sourceId);
    }

    /** A stable replica id per source in Debezium's customary range 5400-6399. */
    static long defaultServerId(String sourceId) {
        return 5400 + Math.floorMod(sourceId.hashCode(), 1000);
    }

    @Override
    public String databaseName() {
        return mariaDb ? "MariaDB" : "MySQL";
    }

    @Override
    public String connectorClass() {
        return CONNECTOR;
    }

    @Override
    public String qualify(String table) {
        String t = table.trim();
        return t.indexOf('.') < 0 ? endpoint.database() + "." + t : t;
    }

    boolean isMariaDb() {
        return mariaDb;
    }

    @Override
    public Map<String, String> connectorProperties(DebeziumSettings settings, List<String> tables) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("database.hostname", endpoint.host());
        p.put("database.port", Integer.toString(endpoint.port()));
        p.put("database.user", endpoint.user());
        p.put("database.password", endpoint.password());
        p.put("database.server.id", Long.toString(serverId));
        endpoint.params().forEach((k, v) -> p.put("driver." + k, v));
        if (mariaDb) {
            p.put("database.jdbc.driver", MariaDbCompatibleDriver.class.getName());
        }
        Set<String> databases = new LinkedHashSet<>();
        databases.add(endpoint.database());
        tables.forEach(t -> databases.add(t.substring(0, t.indexOf('.'))));
        p.put("database.include.list", String.join(",", databases.stream().map(MySqlDialect::exact).toList()));
        if (!tables.isEmpty()) {
            p.put("table.include.list", String.join(",", tables.stream().map(MySqlDialect::exact).toList()));
        }
        p.put("snapshot.mode", switch (settings.snapshotMode()) {
            case "never" -> "no_data";
            case "when_needed" -> "when_needed";
            default -> "initial";
        });
        p.put("include.schema.changes", "true");
        p.put("skipped.operations", "none");
        p.put("schema.history.internal", StateStoreSchemaHistory.class.getName());
        p.put(StateStoreSchemaHistory.STORE_KEY, historyToken);
        p.put("schema.history.internal.store.only.captured.databases.ddl", "true");
        if (settings.heartbeatsEnabled()) {
            long hb = settings.heartbeatInterval().toMillis();
            p.put("heartbeat.interval.ms", Long.toString(hb));
            // the server sends a binlog heartbeat every 0.8 x keep-alive interval while idle; each lets Debezium
            // emit one of its heartbeats, so health sees a live connection on an idle server
            p.put("connect.keep.alive.interval.ms", Long.toString(Math.max(1_000, Math.min(60_000, hb * 5 / 4))));
        }
        p.put("column.propagate.source.type", ".*");
        p.put("decimal.handling.mode", "precise");
        p.put("bigint.unsigned.handling.mode", "precise");
        p.put("include.query", Boolean.toString(includeQuery));
        p.put("connect.timeout.ms", "10000");
        return p;
    }

    /** A table name as an exact Debezium include-list pattern. */
    private static String exact(String name) {
        return Pattern.quote(name).replace(",", "\\,");
    }

    @Override
    public StartPlan prepare(DebeziumSettings settings, Optional<Map<String, Object>> resume) {
        // registered per start: close() (end of a run) unregisters it, and a source may be run again
        StateStoreSchemaHistory.register(historyToken, historyStore, historyNamespace);
        try (Connection c = endpoint.open()) {
            mariaDb = MySqlCatalog.version(c).toLowerCase(Locale.ROOT).contains("mariadb");
            List<String> problems = new ArrayList<>();
            checkServer(c, problems);
            if (!problems.isEmpty()) {
                throw new EtlException(ErrorCode.SOURCE_FAILED, databaseName() + " source '" + sourceId + "' cannot capture: "
                        + String.join("; ", problems));
            }
            Map<String, String> tableErrors = new LinkedHashMap<>();
            List<String> tables = new ArrayList<>();
            for (String configured : settings.tables()) {
                String q = qualify(configured);
                String problem = tableProblem(MySqlCatalog.table(c, q));
                if (problem != null) {
                    tableErrors.put(q, problem);
                } else {
                    tables.add(q);
                }
            }
            capturedTables = Set.copyOf(tables);
            captureAll = settings.tables().isEmpty();
            return new StartPlan(tables, tableErrors, checkPosition(c, settings, resume));
        } catch (SQLException e) {
            throw endpoint.connectionError(e);
        }
    }

    /** Problems that stop any capture: binlog off, not ROW, not full row images, missing replication privileges. */
    void checkServer(Connection c, List<String> problems) throws SQLException {
        String logBin = MySqlCatalog.variable(c, "log_bin");
        if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
            problems.add("binary logging is off (log_bin = " + logBin + "): start the server with log-bin (my.cnf: log_bin = mysql-bin, "
                    + "server_id = 1; MySQL 8 has it on by default) and restart it");
        }
        String format = MySqlCatalog.variable(c, "binlog_format");
        if (format != null && !"ROW".equalsIgnoreCase(format)) {
            problems.add("binlog_format is '" + format + "' but capture needs ROW: run SET GLOBAL binlog_format = 'ROW' and put "
                    + "binlog_format = ROW in my.cnf (sessions opened before keep writing the old format)");
        }
        String image = MySqlCatalog.variable(c, "binlog_row_image");
        if (image != null && !"FULL".equalsIgnoreCase(image)) {
            problems.add("binlog_row_image is '" + image + "' but UPDATE/DELETE events need whole rows: run SET GLOBAL binlog_row_image = "
                    + "'FULL' and put binlog_row_image = FULL in my.cnf");
        }
        Set<String> privileges = MySqlCatalog.globalPrivileges(c);
        List<String> missing = new ArrayList<>();
        if (!privileges.contains("REPLICATION SLAVE")) {
            missing.add("REPLICATION SLAVE");
        }
        if (!privileges.contains("REPLICATION CLIENT") && !privileges.contains("BINLOG MONITOR") && !privileges.contains("SUPER")) {
            missing.add("REPLICATION CLIENT");
        }
        if (!missing.isEmpty()) {
            problems.add("user '" + endpoint.user() + "' lacks " + String.join(" and ", missing) + ": run GRANT SELECT, RELOAD, SHOW DATABASES, "
                    + "REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + endpoint.user() + "'@'%'"
                    + (mariaDb ? " (MariaDB 10.5+: REPLICATION CLIENT is BINLOG MONITOR)" : ""));
        }
    }

    /** Why a table cannot be captured, or null. */
    String tableProblem(MySqlCatalog.TableInfo info) {
        if (!info.exists()) {
            return "table does not exist or user '" + endpoint.user() + "' has no privilege on it (unqualified names mean database "
                    + endpoint.database() + "; a table without any privilege is invisible: GRANT SELECT ON " + info.qualified() + " TO '"
                    + endpoint.user() + "'@'%')";
        }
        if (!info.canSelect()) {
            return "permission denied: run GRANT SELECT ON " + info.qualified() + " TO '" + endpoint.user() + "'@'%'";
        }
        return null;
    }

    /**
     * The offset to resume from: empty (a fresh start, the schema history starts over with it) when there is
     * none; the committed one while the binlog file it names is still on the server; otherwise the position is
     * lost (a new snapshot with when_needed).
     */
    private Optional<Map<String, Object>> checkPosition(Connection c, DebeziumSettings settings, Optional<Map<String, Object>> resume)
            throws SQLException {
        if (resume.isEmpty() || snapshotInProgress(resume.get())) {
            // Debezium snapshots the schema again: start its history afresh so that it matches the offsets
            historyStore.clear(historyNamespace);
            return resume;
        }
        Object file = resume.get().get("file");
        if (file == null || resume.get().get("gtids") != null) {
            return resume;
        }
        Map<String, Long> logs = MySqlCatalog.binaryLogs(c);
        if (logs.containsKey(file.toString())) {
            return resume;
        }
        String why = "binlog file '" + file + "' that the committed position is in is no longer on the server (purged; first file now "
                + (logs.isEmpty() ? "none" : "'" + logs.keySet().iterator().next() + "'") + ")";
        if ("when_needed".equals(settings.snapshotMode())) {
            LOG.warn("source {}: {}; snapshot_mode is when_needed, so every table is read again as a new snapshot", sourceId, why);
            historyStore.clear(historyNamespace);
            return Optional.empty();
        }
        throw positionLost(why, null);
    }

    private EtlException positionLost(String why, Throwable cause) {
        return new EtlException(ErrorCode.POSITION_LOST, why + ": the changes since the committed position cannot be read any more. "
                + "Re-snapshot: restart the source with snapshot_mode: when_needed (or reset its committed position) to read every "
                + "table again, and keep binlogs longer (binlog_expire_logs_seconds / expire_logs_days) than the source may be "
                + "stopped; nothing is resumed from 'now' silently.", cause);
    }

    private static boolean snapshotInProgress(Map<String, Object> offset) {
        Object snapshot = offset.get("snapshot");
        Object completed = offset.get("snapshot_completed");
        boolean inSnapshot = snapshot != null && !"false".equalsIgnoreCase(String.valueOf(snapshot));
        return inSnapshot && !Boolean.TRUE.equals(completed) && !"true".equals(String.valueOf(completed));
    }

    /**
     * {@code [binlogFileNumber, transactionPosition, eventsInTransaction, rowsInEvent]} from Debezium's offset: the
     * coordinates it resumes from, unique per row change. (The source block's {@code pos} is not: MariaDB gives every
     * row event of one statement the same one.) A re-delivery after a restart has the same coordinates, since Debezium
     * reads the transaction again from its start and counts events and rows the same way.
     */
    @Override
    public List<Object> streamKey(Map<String, ?> sourceOffset, Struct sourceInfo) {
        Object file = sourceOffset.get("file");
        if (file == null && sourceInfo != null) {
            file = fieldString(sourceInfo, "file");
        }
        return List.of(fileNumber(file == null ? null : file.toString()), number(sourceOffset.get("pos")),
                number(sourceOffset.get("event")), number(sourceOffset.get("row")));
    }

    private static long number(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v != null) {
            try {
                return Long.parseLong(v.toString());
            } catch (NumberFormatException e) {
                return 0L;
            }
        }
        return 0L;
    }

    /** The sequence number of a binlog file name ({@code mysql-bin.000042} is 42). */
    static long fileNumber(String file) {
        if (file == null) {
            return 0L;
        }
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    /** Schema-change records (DDL statements) of captured tables become DDL events; those read by a snapshot do not. */
    @Override
    public ChangeEvent mapOther(SourceRecord record, RecordContext context) {
        Schema schema = record.valueSchema();
        if (!(record.value() instanceof Struct value) || schema == null || schema.field("ddl") == null || schema.field("source") == null) {
            return null;
        }
        Struct source = value.getStruct("source");
        String snapshot = source == null ? null : fieldString(source, "snapshot");
        String ddl = value.getString("ddl");
        if (ddl == null || ddl.isBlank() || snapshot != null && !"false".equalsIgnoreCase(snapshot)) {
            return null;
        }
        String collection = ddlCollection(value, ddl);
        if (collection == null) {
            return null;
        }
        Map<String, ?> offset = record.sourceOffset();
        return ChangeEvent.builder(context.sourceId(), collection, Operation.DDL)
                .ddl(ddl)
                .sourceTimestamp(ddlTimestamp(source, value))
                .position(context.streamPosition(streamKey(offset, source), offset))
                .build();
    }

    /** The captured table a DDL statement concerns, or null when it concerns none. */
    String ddlCollection(Struct value, String ddl) {
        List<String> candidates = new ArrayList<>();
        if (value.schema().field("tableChanges") != null && value.getArray("tableChanges") != null) {
            for (Object change : value.getArray("tableChanges")) {
                if (change instanceof Struct s && s.schema().field("id") != null && s.getString("id") != null) {
                    candidates.add(s.getString("id").replace("\"", ""));
                }
            }
        }
        String database = value.schema().field("databaseName") != null ? value.getString("databaseName") : null;
        Matcher m = WORDS.matcher(ddl);
        while (m.find()) {
            if (m.group(1) != null) {
                candidates.add(m.group(1) + "." + m.group(2));
            } else if (database != null && !database.isEmpty()) {
                candidates.add(database + "." + m.group(3));
            }
        }
        Set<String> captured = capturedTables;
        for (String candidate : candidates) {
            if (captured.contains(candidate)) {
                return candidate;
            }
        }
        if (captureAll && !candidates.isEmpty() && value.schema().field("tableChanges") != null
                && value.getArray("tableChanges") != null && !value.getArray("tableChanges").isEmpty()) {
            return candidates.get(0);
        }
        return null;
    }

    private static java.time.Instant ddlTimestamp(Struct source, Struct value) {
        if (source != null && source.schema().field("ts_ms") != null && source.getInt64("ts_ms") != null && source.getInt64("ts_ms") > 0) {
            return java.time.Instant.ofEpochMilli(source.getInt64("ts_ms"));
        }
        if (value.schema().field("ts_ms") != null && value.getInt64("ts_ms") != null) {
            return java.time.Instant.ofEpochMilli(value.getInt64("ts_ms"));
        }
        return java.time.Instant.now();
    }

    @Override
    public EtlException translate(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException e) {
                return e;
            }
            String msg = String.valueOf(t.getMessage());
            if (msg.contains("no longer available on the server") || msg.contains("Could not find first log file name in binary log index")
                    || msg.contains("binlog truncated") || msg.contains("purged binary logs")) {
                return positionLost("the binlog position to resume from is gone (" + Secrets.maskText(msg) + ")", error);
            }
            if (t instanceof SQLException sql) {
                int code = sql.getErrorCode();
                if (code == 1045 || code == 1049 || code == 1044) {
                    return endpoint.connectionError(sql);
                }
                if (code == 1227 || code == 1142) {
                    return new EtlException(ErrorCode.SOURCE_FAILED, "permission denied: " + Secrets.maskText(msg)
                            + "; grant SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT to '" + endpoint.user() + "'", error);
                }
            }
        }
        return DebeziumFailures.translate(databaseName(), error);
    }

    /** The binlog reader's own connection state, from Debezium's streaming metrics (it reconnects by itself). */
    @Override
    public Boolean connectorConnected(DebeziumSettings settings) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName("debezium.mysql:type=connector-metrics,context=streaming,server="
                    + settings.sanitizedId() + ",*"), null);
            if (names.isEmpty()) {
                return null;
            }
            return server.getAttribute(names.iterator().next(), "Connected") instanceof Boolean b ? b : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Map<String, Object> healthDetails(DebeziumSettings settings) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("server_id", serverId);
        try (Connection c = endpoint.open()) {
            mariaDb = MySqlCatalog.version(c).toLowerCase(Locale.ROOT).contains("mariadb");
            d.put("flavor", databaseName());
            Object[] current = MySqlCatalog.currentBinlog(c, mariaDb);
            if (current != null) {
                d.put("server_binlog_file", current[0]);
                d.put("server_binlog_position", current[1]);
            }
            Map<String, Long> logs = MySqlCatalog.binaryLogs(c);
            if (!logs.isEmpty()) {
                d.put("oldest_binlog_file", logs.keySet().iterator().next());
                d.put("binlog_bytes", logs.values().stream().mapToLong(Long::longValue).sum());
            }
        } catch (SQLException | EtlException e) {
            LOG.debug("source {}: binlog status unavailable: {}", sourceId, e.toString());
        }
        return d;
    }

    @Override
    public void close() {
        StateStoreSchemaHistory.unregister(historyToken);
    }
}
