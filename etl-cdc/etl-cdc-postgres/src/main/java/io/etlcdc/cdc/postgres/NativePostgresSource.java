package io.etlcdc.cdc.postgres;

import io.etlcdc.cdc.debezium.Backoff;
import io.etlcdc.cdc.debezium.HealthVerdict;
import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.cdc.postgres.nativ.PgOutputDecoder;
import io.etlcdc.cdc.postgres.nativ.PgRelation;
import io.etlcdc.cdc.postgres.nativ.PgType;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The native PostgreSQL engine ({@code engine: native}): reads {@code pgoutput} (protocol v1) over the
 * JDBC driver's replication API and decodes it in-process, producing the same {@link ChangeEvent}s as
 * the Debezium engine. The checks before each start, the table list, heartbeat table, DDL capture,
 * lost-slot detection and error translation are shared with the Debezium engine through
 * {@link PostgresDialect}.
 *
 * <p><b>Threads.</b> A reader thread owns the replication connection: it reads and decodes messages,
 * builds batches and hands them to {@link #run}'s thread through a small queue, which emits them. While
 * the queue is full (the pipeline applies back-pressure) the reader keeps answering the server with
 * status updates, so {@code wal_sender_timeout} never cuts a slow pipeline off.
 *
 * <p><b>Positions.</b> Streamed changes sort as {@code [epoch, 1, commitLsn, indexInTransaction]},
 * snapshot rows as {@code [epoch, 0, seq]} (the epoch grows when a snapshot follows anything else, as
 * with the Debezium engine). The slot is confirmed (standby status "flushed") only up to the end of the
 * last transaction whose every event the offset store committed, so it never moves past undelivered
 * changes; a restart re-reads from there and the runtime drops what was already delivered.
 *
 * <p><b>Snapshot.</b> A fresh start creates the slot with an exported snapshot and reads the tables in
 * one {@code REPEATABLE READ} transaction on that snapshot, in primary-key chunks, then streams from the
 * slot's consistent point: nothing is missed or read twice. A crash mid-snapshot resumes after the last
 * committed row (on a newer snapshot; changes in between are streamed again, so sinks converge).
 */
final class NativePostgresSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(NativePostgresSource.class);
    private static final int MAX_BATCH = 4096;
    /** A batch is handed over at the first commit after it is this old, even while changes keep arriving. */
    private static final long MAX_BATCH_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration HEALTH_REFRESH = Duration.ofSeconds(10);
    static final String LSN_COMMIT = "lsn_commit";

    private final DebeziumSettings settings;
    private final PostgresDialect dialect;
    private final PgConnector pg;
    private final Clock clock;
    private final int chunkSize;

    private volatile boolean stopRequested;
    private final Backoff backoff;
    private volatile Position committed;
    private volatile Position lastEmitted;
    private volatile List<String> snapshotRequest;
    private volatile Reader reader;

    // health
    private volatile boolean running;
    private volatile boolean connected;
    private volatile Instant lastEventAt;
    private volatile Instant lastActivityAt;
    private volatile long lagMillis = -1;
    private volatile String problem;
    private volatile Map<String, String> tableErrors = Map.of();
    private volatile Map<String, Object> details = Map.of();
    private volatile long engineStarts;
    private volatile long flushedLsn;

    // positions (reader thread)
    private long epoch;
    private boolean anythingBefore;

    NativePostgresSource(DebeziumSettings settings, PostgresDialect dialect, Clock clock) {
        this.settings = settings;
        this.backoff = new Backoff(settings);
        this.dialect = dialect;
        this.pg = dialect.connector();
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.chunkSize = settings.config().get(PostgresOptions.SNAPSHOT_CHUNK_SIZE);
    }

    @Override
    public void run(SourceContext context) throws Exception {
        running = true;
        committed = context.committedPosition().orElse(null);
        if (committed != null) {
            anythingBefore = true;
            Object first = committed.sortKey().get(0);
            epoch = first instanceof Long l ? l : 0L;
        }
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etl-source-" + settings.sourceId() + "-health");
            t.setDaemon(true);
            return t;
        });
        background.scheduleWithFixedDelay(this::refreshDetails, 0, HEALTH_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        int failures = 0;
        try {
            while (!stopRequested && context.isRunning()) {
                // within one run, events emitted but not yet committed are still on their way to the sinks: resume after them
                Position resumeFrom = lastEmitted != null ? lastEmitted : committed;
                DebeziumDialect.StartPlan plan;
                try {
                    plan = dialect.prepare(settings, Optional.ofNullable(resumeOffset(resumeFrom)));
                } catch (EtlException e) {
                    if (!e.isRetriable()) {
                        throw e;
                    }
                    failures = retryOrThrow(e, failures);
                    continue;
                }
                tableErrors = plan.tableErrors();
                if (plan.tables().isEmpty() && !plan.tableErrors().isEmpty()) {
                    throw new EtlException(ErrorCode.CONFIG_INVALID, "no table of source '" + settings.sourceId()
                            + "' can be captured: " + plan.tableErrors());
                }
                Reader r = new Reader(plan, resumeFrom);
                reader = r;
                engineStarts++;
                Throwable failure = r.runAndEmit(context);
                reader = null;
                if (stopRequested || !context.isRunning()) {
                    break;
                }
                if (r.received) {
                    failures = 0;
                }
                if (failure == null) {
                    continue;
                }
                if (failure instanceof InterruptedException ie) {
                    throw ie;
                }
                EtlException e = dialect.translate(failure);
                if (!e.isRetriable()) {
                    throw e;
                }
                failures = retryOrThrow(e, failures);
            }
        } finally {
            connected = false;
            running = false;
            background.shutdownNow();
        }
    }

    /**
     * What {@link PostgresDialect#prepare} checks the slot against: a snapshot row's offset (table and last key),
     * or for a streamed change (whose position carries no offset, to keep events cheap) its commit LSN from the
     * sort key; a Debezium engine's offset as it is (switching engines keeps the position).
     */
    static Map<String, Object> resumeOffset(Position p) {
        if (p == null) {
            return null;
        }
        if (!p.offset().isEmpty()) {
            return new HashMap<>(p.offset());
        }
        List<Object> k = p.sortKey();
        if (k.size() == 4 && Long.valueOf(1L).equals(k.get(1)) && k.get(2) instanceof Long lsn) {
            Map<String, Object> m = new HashMap<>();
            m.put(LSN_COMMIT, lsn);
            return m;
        }
        return null;
    }

    private int retryOrThrow(EtlException e, int failures) throws InterruptedException {
        int attempt = failures + 1;
        long delay = backoff.delayBefore(attempt, e);
        connected = false;
        problem = "retrying (attempt " + attempt + ") in " + delay + " ms: " + e.getMessage();
        LOG.warn("source {}: {}", settings.sourceId(), problem);
        backoff.sleep(delay, () -> stopRequested);
        return attempt;
    }

    private void refreshDetails() {
        if (!running) {
            return;
        }
        try {
            details = Map.copyOf(dialect.healthDetails(settings));
        } catch (RuntimeException e) {
            LOG.debug("source {}: health details unavailable: {}", settings.sourceId(), e.toString());
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        backoff.wake();
    }

    @Override
    public void onCommitted(Position position) {
        committed = position;
    }

    @Override
    public void requestSnapshot(List<String> tables) {
        if (reader == null || !connected) {
            throw new EtlException(ErrorCode.SOURCE_FAILED, "source '" + settings.sourceId()
                    + "' is not streaming; start it first (a source that lost its position re-snapshots when started with snapshot_mode: when_needed)");
        }
        snapshotRequest = tables == null || tables.isEmpty() ? List.of() : List.copyOf(tables);
    }

    @Override
    public SourceHealth health() {
        if (!running) {
            return problem == null ? SourceHealth.unknown() : SourceHealth.down(problem);
        }
        HealthVerdict verdict = HealthVerdict.of(connected, problem, "PostgreSQL", settings.heartbeatsEnabled() ? lastActivityAt : null,
                clock.instant(), settings.stallTimeout(), "nothing (not even a heartbeat) arrived", tableErrors.size(), "table(s)");
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("engine", "native");
        d.put("engine_starts", engineStarts);
        if (flushedLsn != 0) {
            d.put("confirmed_lsn", LogSequenceNumber.valueOf(flushedLsn).asString());
        }
        Position c = committed;
        if (c != null) {
            d.put("committed_position", c.display());
        }
        return new SourceHealth(verdict.status(), connected, lastEventAt, lagMillis, verdict.message(), tableErrors, d);
    }

    /** A replication connection (for slot commands and streaming). */
    private Connection openReplication() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", pg.password());
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "etl-cdc-native");
        pg.params().forEach(p::setProperty);
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(pg.jdbcUrl(), p);
    }

    /** Creates the publication if missing and keeps it to exactly the captured tables (plus our own). */
    private void ensurePublication(Connection c, List<String> tables) throws SQLException {
        List<String> include = new ArrayList<>(tables);
        if (dialect.heartbeatTableReady()) {
            include.add(PostgresDialect.HEARTBEAT_TABLE);
        }
        if (dialect.capturesDdl()) {
            include.add(PostgresDialect.DDL_TABLE);
        }
        String list = String.join(", ", include.stream().map(PostgresDialect::quoteQualified).toList());
        String pub = PostgresDialect.quoteIdent(dialect.publicationName());
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, dialect.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement s = c.createStatement()) {
            if (!exists) {
                s.execute("CREATE PUBLICATION " + pub + " FOR TABLE " + list);
                return;
            }
            Set<String> current = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
                ps.setString(1, dialect.publicationName());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        current.add(rs.getString(1));
                    }
                }
            }
            if (!current.equals(new HashSet<>(include))) {
                try {
                    s.execute("ALTER PUBLICATION " + pub + " SET TABLE " + list);
                } catch (SQLException e) {
                    // a publication made by someone else (who owns the tables) is used as it is
                    LOG.warn("source {}: cannot set the tables of publication {} to {} ({}); using it as it is: {}", settings.sourceId(),
                            dialect.publicationName(), include, Secrets.maskText(String.valueOf(e.getMessage())), current);
                }
            }
        }
    }

    private static Instant micros(long epochMicros) {
        // millisecond precision, as Debezium's source.ts_ms
        return Instant.ofEpochMilli(Math.floorDiv(epochMicros, 1000L));
    }

    /** A table as the engine emits it: names, key columns and the product's schema. */
    private record Table(String collection, String[] names, int[] keyIndexes, TableSchema schema, boolean fullIdentity, PgType[] types) {}

    /** A transaction whose end may be confirmed once every event up to {@code lastPosition} is committed. */
    private record Flushable(Position lastPosition, long endLsn) {}

    /** One connection's worth of capture: snapshot when needed, then streaming. */
    private final class Reader implements PgOutputDecoder.Handler {
        private final DebeziumDialect.StartPlan plan;
        private final Position resumeFrom;
        /**
         * Decoded batches waiting for the pipeline. Two are enough to keep the reader busy while the pipeline
         * takes one; more only add live events that every young GC must copy (the pipeline's own buffer is
         * the bound that matters).
         */
        private final BlockingQueue<List<ChangeEvent>> queue = new ArrayBlockingQueue<>(2);
        private volatile Throwable failure;
        private volatile boolean done;
        volatile boolean received;

        private Connection replication;
        private Connection meta;
        private Connection heartbeat;
        private PGReplicationStream stream;
        private NativePgCatalog catalog;
        private final Map<Integer, Table> tables = new HashMap<>();
        private final ArrayDeque<Flushable> flushables = new ArrayDeque<>();
        private List<ChangeEvent> batch = new ArrayList<>(MAX_BATCH);
        private long batchStartNanos;
        private Position lastQueued;
        private long txCommitLsn;
        private long txIndex;
        private Instant txTime;
        private long lastStatusNanos;
        private long lastFlushNanos;
        private long lastHeartbeatNanos;

        Reader(DebeziumDialect.StartPlan plan, Position resumeFrom) {
            this.plan = plan;
            this.resumeFrom = resumeFrom;
        }

        /** Starts the reader thread and emits its batches until it ends; returns its failure, or null. */
        Throwable runAndEmit(SourceContext context) throws InterruptedException {
            Thread t = new Thread(this::readLoop, "etl-source-" + settings.sourceId() + "-native-" + engineStarts);
            t.setDaemon(true);
            t.start();
            try {
                while (true) {
                    List<ChangeEvent> b = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (b != null) {
                        context.emit(b);
                        lastEmitted = b.get(b.size() - 1).position();
                        continue;
                    }
                    if (done && queue.isEmpty()) {
                        return failure;
                    }
                    if (stopRequested || !context.isRunning()) {
                        done = true;
                    }
                }
            } finally {
                done = true;
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        private void readLoop() {
            try {
                capture();
            } catch (Throwable e) {
                if (!done && !stopRequested) {
                    failure = e;
                }
            } finally {
                connected = false;
                closeQuietly();
                done = true;
            }
        }

        private boolean stopping() {
            return done || stopRequested;
        }

        private void capture() throws Exception {
            meta = pg.open();
            catalog = new NativePgCatalog(meta);
            ensurePublication(meta, plan.tables());
            replication = openReplication();
            PGConnection pgc = replication.unwrap(PGConnection.class);
            String slot = dialect.slotName();
            Optional<PgCatalog.SlotInfo> existing = PgCatalog.slot(meta, slot);
            Map<String, Object> offset = resumeFrom == null ? Map.of() : resumeFrom.offset();
            boolean fresh = plan.resumeOffset().isEmpty();
            boolean snapshotResume = !fresh && "true".equals(String.valueOf(offset.get("snapshot")));
            long startLsn = 0;
            if (!fresh && existing.isEmpty()) {
                // prepare() checked the slot for streamed positions; this is a slot lost in the middle of a snapshot
                if (!"when_needed".equals(settings.snapshotMode())) {
                    throw new EtlException(ErrorCode.POSITION_LOST, "replication slot '" + slot + "' no longer exists (dropped, or lost in a "
                            + "failover) while the initial snapshot was being read: the changes since it began cannot be read any more. "
                            + "Re-snapshot: restart the source with snapshot_mode: when_needed (or reset its committed position).");
                }
                LOG.warn("source {}: replication slot '{}' is gone; snapshot_mode is when_needed, so every table is read again", settings.sourceId(), slot);
                fresh = true;
                snapshotResume = false;
            }
            if (fresh && !"never".equals(settings.snapshotMode())) {
                if (existing.isPresent()) {
                    if (existing.get().active()) {
                        throw new java.sql.SQLException("replication slot '" + slot + "' is active", "55006");
                    }
                    try (Statement s = meta.createStatement()) {
                        s.execute("SELECT pg_drop_replication_slot('" + slot.replace("'", "''") + "')");
                    }
                }
                ReplicationSlotInfo info = pgc.getReplicationAPI().createReplicationSlot().logical().withSlotName(slot)
                        .withOutputPlugin("pgoutput").make();
                connected = true;
                problem = null;
                startLsn = info.getConsistentPoint().asLong();
                snapshot(plan.tables(), info.getSnapshotName(), null, null, -1);
            } else {
                if (existing.isEmpty()) {
                    pgc.getReplicationAPI().createReplicationSlot().logical().withSlotName(slot).withOutputPlugin("pgoutput").make();
                }
                connected = true;
                problem = null;
                if (snapshotResume) {
                    Object table = offset.get("table");
                    Object lastKey = offset.get("last_key");
                    @SuppressWarnings("unchecked")
                    List<String> keys = lastKey instanceof List<?> l ? (List<String>) l : null;
                    long seq = resumeFrom.sortKey().size() > 2 && resumeFrom.sortKey().get(2) instanceof Long s ? s + 1 : 0;
                    snapshot(plan.tables(), null, table == null ? null : table.toString(), keys, seq);
                }
            }
            stream = pgc.getReplicationAPI().replicationStream().logical().withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(startLsn))
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", dialect.publicationName())
                    .withStatusInterval((int) Math.max(1000, Math.min(10_000, settings.commitInterval().toMillis())), TimeUnit.MILLISECONDS)
                    .start();
            lastActivityAt = clock.instant();
            PgOutputDecoder decoder = new PgOutputDecoder(catalog::type);
            long now = System.nanoTime();
            lastFlushNanos = now;
            lastHeartbeatNanos = now;
            lastStatusNanos = now;
            int sinceCheck = 0;
            int idle = 0;
            boolean gotSince = false;
            while (!stopping()) {
                ByteBuffer msg = stream.readPending();
                if (msg == null) {
                    // nothing arrived for a moment (the driver waits up to 1 ms): hand over what we have, then wait briefly,
                    // then do the housekeeping and back off to a few milliseconds while the database is idle
                    idle++;
                    handOff();
                    if (idle < 30) {
                        LockSupport.parkNanos(100_000);
                        continue;
                    }
                    if (gotSince) {
                        gotSince = false;
                        lastActivityAt = clock.instant();
                    }
                    housekeeping(true);
                    Thread.sleep(idle < 200 ? 1 : 5);
                    continue;
                }
                idle = 0;
                received = true;
                gotSince = true;
                decoder.decode(msg, this);
                if (++sinceCheck >= 1024) {
                    sinceCheck = 0;
                    lastActivityAt = clock.instant();
                    housekeeping(false);
                }
            }
        }

        /** Confirms what was committed, writes heartbeats, runs requested snapshots. */
        private void housekeeping(boolean idle) throws Exception {
            long now = System.nanoTime();
            lastActivityAt = lastActivityAt == null ? clock.instant() : lastActivityAt;
            if (now - lastFlushNanos >= settings.commitInterval().toNanos()) {
                lastFlushNanos = now;
                confirm();
                if (idle && settings.heartbeatsEnabled()) {
                    confirmIdle();
                }
            }
            if (settings.heartbeatsEnabled() && dialect.heartbeatTableReady() && now - lastHeartbeatNanos >= settings.heartbeatInterval().toNanos()) {
                lastHeartbeatNanos = now;
                writeHeartbeat();
            }
            List<String> request = snapshotRequest;
            if (request != null && txTime == null) {
                snapshotRequest = null;
                handOff();
                snapshot(request.isEmpty() ? plan.tables() : request.stream().map(PostgresDialect::qualifyTable).toList(), null, null, null, -1);
            }
        }

        private void confirm() throws SQLException {
            Position c = committed;
            long lsn = 0;
            while (!flushables.isEmpty()) {
                Flushable f = flushables.peekFirst();
                if (f.lastPosition() != null && (c == null || f.lastPosition().isAfter(c))) {
                    break;
                }
                lsn = Math.max(lsn, f.endLsn());
                flushables.pollFirst();
            }
            if (lsn != 0 && lsn > flushedLsn) {
                LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
                stream.setFlushedLSN(l);
                stream.setAppliedLSN(l);
                stream.forceUpdateStatus();
                lastStatusNanos = System.nanoTime();
                flushedLsn = lsn;
            }
        }

        /**
         * While idle between transactions with everything emitted committed, confirms the server's WAL position
         * from its keepalives: WAL written by other tables or databases is then released even without the
         * heartbeat table. Safe because the server sends transactions in commit order before a keepalive.
         */
        private void confirmIdle() throws SQLException {
            if (txTime != null || !flushables.isEmpty() || !batch.isEmpty() || !queue.isEmpty()) {
                return;
            }
            Position c = committed;
            if (lastQueued != null && (c == null || lastQueued.isAfter(c))) {
                return;
            }
            long lsn = stream.getLastReceiveLSN().asLong();
            if (lsn > flushedLsn) {
                LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
                stream.setFlushedLSN(l);
                stream.setAppliedLSN(l);
                stream.forceUpdateStatus();
                lastStatusNanos = System.nanoTime();
                flushedLsn = lsn;
            }
        }

        private void writeHeartbeat() {
            try {
                if (heartbeat == null || heartbeat.isClosed()) {
                    heartbeat = pg.open();
                }
                try (Statement s = heartbeat.createStatement()) {
                    s.execute(dialect.heartbeatStatement());
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("source {}: heartbeat write failed: {}", settings.sourceId(), e.toString());
                closeQuietly(heartbeat);
                heartbeat = null;
            }
        }

        /** During a snapshot on request the stream is not read: a status update every second keeps the server from timing out. */
        private void keepStreamAlive() throws SQLException {
            if (stream != null && System.nanoTime() - lastStatusNanos > TimeUnit.SECONDS.toNanos(1)) {
                stream.forceUpdateStatus();
                lastStatusNanos = System.nanoTime();
            }
        }

        /** Hands the current batch to the emitting thread, answering the server while the pipeline is full. */
        private void handOff() throws Exception {
            if (batch.isEmpty()) {
                return;
            }
            List<ChangeEvent> b = batch;
            batch = new ArrayList<>(MAX_BATCH);
            // health figures once per batch (its last event), not per event
            Instant now = clock.instant();
            lastEventAt = now;
            lagMillis = Math.max(0, now.toEpochMilli() - b.get(b.size() - 1).sourceTimestamp().toEpochMilli());
            while (!queue.offer(b, 200, TimeUnit.MILLISECONDS)) {
                if (stopping()) {
                    return;
                }
                if (stream != null && System.nanoTime() - lastStatusNanos > TimeUnit.SECONDS.toNanos(1)) {
                    confirm();
                    stream.forceUpdateStatus();
                    lastStatusNanos = System.nanoTime();
                }
            }
        }

        private void add(ChangeEvent e) throws Exception {
            ChangeEvent adapted = dialect.adapt(e, null);
            if (adapted == null) {
                lagMillis = Math.max(0, clock.millis() - e.sourceTimestamp().toEpochMilli());
                return;
            }
            if (batch.isEmpty()) {
                batchStartNanos = System.nanoTime();
            }
            batch.add(adapted);
            lastQueued = adapted.position();
            if (batch.size() >= MAX_BATCH) {
                handOff();
            }
        }

        // ---- snapshot ----

        private void snapshot(List<String> names, String snapshotName, String resumeTable, List<String> resumeKey, long resumeSeq) throws Exception {
            long seq;
            if (resumeSeq >= 0) {
                seq = resumeSeq;
            } else {
                if (anythingBefore) {
                    epoch++;
                }
                seq = 0;
            }
            anythingBefore = true;
            Connection c = pg.open();
            try {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    if (snapshotName != null) {
                        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
                    }
                }
                int start = 0;
                if (resumeTable != null) {
                    int i = names.indexOf(resumeTable);
                    start = Math.max(0, i);
                    if (i < 0) {
                        resumeKey = null;
                    }
                }
                for (int ti = start; ti < names.size() && !stopping(); ti++) {
                    seq = snapshotTable(c, names.get(ti), ti == start ? resumeKey : null, seq);
                }
                c.commit();
            } finally {
                closeQuietly(c);
            }
            handOff();
        }

        private long snapshotTable(Connection c, String qualified, List<String> afterKey, long seq) throws Exception {
            int oid = catalog.relationOid(qualified);
            List<NativePgCatalog.ColumnInfo> cols = catalog.columns(oid);
            List<PgType> types = new ArrayList<>();
            for (NativePgCatalog.ColumnInfo ci : cols) {
                types.add(catalog.type(ci.typeOid()));
            }
            TableSchema schema = NativePgCatalog.tableSchema(qualified, cols, types);
            List<String> key = schema.primaryKey();
            StringBuilder select = new StringBuilder("SELECT ");
            for (int i = 0; i < cols.size(); i++) {
                select.append(i == 0 ? "" : ", ").append("r.").append(PostgresDialect.quoteIdent(cols.get(i).name())).append("::text");
            }
            // the alias keeps ORDER BY and WHERE on the typed columns, not on the text output columns of the same name
            select.append(" FROM ").append(PostgresDialect.quoteQualified(qualified)).append(" r");
            int[] keyIdx = new int[key.size()];
            for (int k = 0; k < key.size(); k++) {
                keyIdx[k] = schema.columnNames().indexOf(key.get(k));
            }
            String keyList = String.join(", ", key.stream().map(k -> "r." + PostgresDialect.quoteIdent(k)).toList());
            Instant now = clock.instant();
            List<String> last = afterKey;
            while (!stopping()) {
                StringBuilder sql = new StringBuilder(select);
                if (!key.isEmpty() && last != null) {
                    sql.append(" WHERE (").append(keyList).append(") > (");
                    for (int k = 0; k < key.size(); k++) {
                        sql.append(k == 0 ? "" : ", ").append("?::").append(cols.get(keyIdx[k]).typeName().equals("bpchar") ? "text"
                                : PostgresDialect.quoteIdent(cols.get(keyIdx[k]).typeName()));
                    }
                    sql.append(")");
                }
                if (!key.isEmpty()) {
                    sql.append(" ORDER BY ").append(keyList).append(" LIMIT ").append(chunkSize);
                }
                int rows = 0;
                keepStreamAlive();
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    ps.setFetchSize(Math.min(chunkSize, 5000));
                    if (!key.isEmpty() && last != null) {
                        for (int k = 0; k < key.size(); k++) {
                            ps.setString(k + 1, last.get(k));
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            Map<String, Object> after = new LinkedHashMap<>(Math.max(4, cols.size() * 2));
                            for (int i = 0; i < cols.size(); i++) {
                                String text = rs.getString(i + 1);
                                after.put(cols.get(i).name(), text == null ? null : types.get(i).parser().apply(text));
                            }
                            Map<String, Object> keyMap = null;
                            List<String> keyText = null;
                            if (!key.isEmpty()) {
                                keyMap = new LinkedHashMap<>();
                                keyText = new ArrayList<>(key.size());
                                for (int k = 0; k < key.size(); k++) {
                                    keyMap.put(key.get(k), after.get(key.get(k)));
                                    keyText.add(rs.getString(keyIdx[k] + 1));
                                }
                            }
                            Map<String, Object> off = new LinkedHashMap<>();
                            off.put("snapshot", "true");
                            off.put("table", qualified);
                            if (keyText != null) {
                                off.put("last_key", keyText);
                            }
                            last = keyText;
                            add(ChangeEvent.builder(settings.sourceId(), qualified, Operation.INSERT).snapshot(true)
                                    .key(keyMap).after(after).sourceTimestamp(now)
                                    .position(new Position(List.of(epoch, 0L, seq++), off)).schema(schema).build());
                        }
                    }
                }
                if (key.isEmpty() || rows < chunkSize) {
                    break;
                }
            }
            return seq;
        }

        // ---- streaming (decoder callbacks) ----

        private Table table(PgRelation r) {
            Table t = tables.get(r.oid());
            if (t != null) {
                return t;
            }
            String collection = r.qualified();
            List<NativePgCatalog.ColumnInfo> cols;
            try {
                cols = catalog.columns(r.oid());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the columns of " + collection + ": " + e.getMessage(), e);
            }
            Map<String, NativePgCatalog.ColumnInfo> byName = new HashMap<>();
            cols.forEach(ci -> byName.put(ci.name(), ci));
            List<NativePgCatalog.ColumnInfo> ordered = new ArrayList<>();
            List<PgType> types = new ArrayList<>();
            for (PgRelation.Column col : r.columns()) {
                NativePgCatalog.ColumnInfo ci = byName.get(col.name());
                if (ci == null) {
                    ci = new NativePgCatalog.ColumnInfo(col.name(), col.type().oid(), col.type().name(), col.typmod(), false, null, 0);
                }
                ordered.add(ci);
                types.add(col.type());
            }
            TableSchema schema = NativePgCatalog.tableSchema(collection, ordered, types);
            String[] names = r.columnNames().toArray(new String[0]);
            List<String> pk = schema.primaryKey();
            int[] keyIdx = new int[pk.size()];
            for (int k = 0; k < pk.size(); k++) {
                keyIdx[k] = r.columnNames().indexOf(pk.get(k));
            }
            t = new Table(collection, names, keyIdx, schema, r.replicaIdentity() == 'f', types.toArray(new PgType[0]));
            tables.put(r.oid(), t);
            return t;
        }

        @Override
        public void relation(PgRelation relation) {
            tables.remove(relation.oid());
        }

        @Override
        public void begin(long finalLsn, long commitMicros, long xid) {
            txCommitLsn = finalLsn;
            txIndex = 0;
            txTime = micros(commitMicros);
        }

        @Override
        public void commit(long commitLsn, long endLsn, long commitMicros) {
            txTime = null;
            if (!batch.isEmpty() && System.nanoTime() - batchStartNanos > MAX_BATCH_AGE_NANOS) {
                // a steady trickle never leaves the socket empty: bound how long a change waits in a batch
                try {
                    handOff();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
            Flushable last = flushables.peekLast();
            if (last != null && Objects.equals(last.lastPosition(), lastQueued)) {
                flushables.pollLast();
            }
            flushables.addLast(new Flushable(lastQueued, endLsn));
            if (flushables.size() > 100_000) {
                flushables.pollFirst();
            }
        }

        private Position position() {
            anythingBefore = true;
            return new Position(List.of(epoch, 1L, txCommitLsn, txIndex++), Map.of());
        }

        private Map<String, Object> key(Table t, Object[] row) {
            if (t.keyIndexes().length == 0) {
                return null;
            }
            Map<String, Object> k = new LinkedHashMap<>();
            for (int i : t.keyIndexes()) {
                k.put(t.names()[i], row[i]);
            }
            return k;
        }

        private Map<String, Object> row(Table t, Object[] values, Set<String> unchanged) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, (int) (values.length / 0.75f) + 1));
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                if (v == PgOutputDecoder.UNCHANGED_TOAST) {
                    if (unchanged != null) {
                        unchanged.add(t.names()[i]);
                    }
                    continue;
                }
                out.put(t.names()[i], v);
            }
            return out;
        }

        private ChangeEvent.Builder event(Table t, Operation op) {
            return ChangeEvent.builder(settings.sourceId(), t.collection(), op).sourceTimestamp(txTime).schema(t.schema());
        }

        @Override
        public void insert(PgRelation relation, Object[] newRow) {
            Table t = table(relation);
            emit(event(t, Operation.INSERT).key(key(t, newRow)).after(row(t, newRow, null)).position(position()).build());
        }

        @Override
        public void update(PgRelation relation, char oldKind, Object[] oldRow, Object[] newRow) {
            Table t = table(relation);
            Map<String, Object> newKey = key(t, newRow);
            Map<String, Object> before = oldRow == null ? null : row(t, oldRow, null);
            if (oldRow != null && newKey != null) {
                Map<String, Object> oldKey = key(t, oldRow);
                if (!oldKey.equals(newKey) && !oldKey.containsValue(PgOutputDecoder.UNCHANGED_TOAST)) {
                    // a primary-key change: the old row goes away and a new one appears, as with Debezium
                    emit(event(t, Operation.DELETE).key(oldKey).before(before).position(position()).build());
                    emit(event(t, Operation.INSERT).key(newKey).after(row(t, newRow, null)).position(position()).build());
                    return;
                }
            }
            Set<String> unchanged = null;
            for (Object v : newRow) {
                if (v == PgOutputDecoder.UNCHANGED_TOAST) {
                    unchanged = new HashSet<>();
                    break;
                }
            }
            emit(event(t, Operation.UPDATE).key(newKey).before(before).after(row(t, newRow, unchanged)).unchangedFields(unchanged)
                    .position(position()).build());
        }

        @Override
        public void delete(PgRelation relation, char oldKind, Object[] oldRow) {
            Table t = table(relation);
            emit(event(t, Operation.DELETE).key(key(t, oldRow)).before(row(t, oldRow, null)).position(position()).build());
        }

        @Override
        public void truncate(List<PgRelation> relations, boolean cascade, boolean restartIdentity) {
            for (PgRelation r : relations) {
                Table t = table(r);
                emit(event(t, Operation.TRUNCATE).position(position()).build());
            }
        }

        private void emit(ChangeEvent e) {
            try {
                add(e);
            } catch (RuntimeException ex) {
                throw ex;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", ex);
            } catch (Exception ex) {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
        }

        private void closeQuietly() {
            if (stream != null) {
                try {
                    stream.close();
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("closing replication stream: {}", e.toString());
                }
            }
            closeQuietly(replication);
            closeQuietly(meta);
            closeQuietly(heartbeat);
        }

        private void closeQuietly(Connection c) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("closing connection: {}", Secrets.maskText(String.valueOf(e.getMessage())));
                }
            }
        }
    }
}
