package io.etlcdc.cdc.debezium;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;

import io.debezium.engine.spi.OffsetCommitPolicy;
import io.etlcdc.core.annotation.PublicEvolving;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Source} running a Debezium embedded engine (Connect records, mapped directly to
 * {@link ChangeEvent}s); everything database-specific comes from a {@link DebeziumDialect}.
 *
 * <p><b>Lifecycle.</b> {@link #run} prepares (the dialect checks the database and the position to
 * resume from), starts an engine seeded with the committed offset, and emits each batch the engine
 * hands over (blocking while the pipeline is full, which holds Debezium back). Transient failures
 * (connection loss, database restart) stop that engine and start a new one after a backoff, resuming
 * from the last confirmed offset; permanent ones end {@code run} with the dialect's translation
 * ({@link ErrorCode#POSITION_LOST} when the position is gone).
 *
 * <p><b>Offsets.</b> Debezium's offsets (and so what it confirms to the database: a replication
 * slot's LSN, ...) move only from {@link #onCommitted}: a background task hands the committed
 * event's offset to the engine's {@link DebeziumEngine.RecordCommitter} every
 * {@code commit_interval}. Heartbeats move the offset while the captured tables are idle, but only
 * once every event emitted before them is committed.
 *
 * <p>Thread-safety: {@link #stop}, {@link #onCommitted}, {@link #health} and
 * {@link #requestSnapshot} may be called from any thread.
 */
@PublicEvolving
public class DebeziumSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DebeziumSource.class);
    private static final Duration HEALTH_REFRESH = Duration.ofSeconds(10);

    private final DebeziumSettings settings;
    private final DebeziumDialect dialect;
    private final Clock clock;
    private final String placeholder;

    private volatile boolean stopRequested;
    private volatile DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> engine;
    private volatile CompletableFuture<Throwable> engineDone;
    private final Backoff backoff;

    // offsets
    private volatile Position committed;
    private volatile Map<String, Object> engineOffset;
    private volatile DebeziumEngine.RecordCommitter<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> committer;
    private volatile io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> template;
    private final Object commitLock = new Object();
    private PendingHeartbeat pendingHeartbeat;
    private Position lastFlushed;
    private volatile Position lastEmitted;

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

    private record PendingHeartbeat(Map<String, Object> offset, Position after) {}

    public DebeziumSource(DebeziumSettings settings, DebeziumDialect dialect, Clock clock) {
        this.settings = settings;
        this.backoff = new Backoff(settings);
        this.dialect = dialect;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.placeholder = settings.passThrough().getOrDefault("unavailable.value.placeholder", ChangeEventMapper.DEFAULT_PLACEHOLDER);
    }

    public DebeziumSettings settings() {
        return settings;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        running = true;
        committed = context.committedPosition().orElse(null);
        engineOffset = committed == null || committed.offset().isEmpty() ? null : new HashMap<>(committed.offset());
        PositionTracker positions = new PositionTracker(committed);
        ChangeEventMapper mapper = new ChangeEventMapper(settings.sourceId(), dialect, positions, placeholder);
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etl-source-" + settings.sourceId() + "-offsets");
            t.setDaemon(true);
            return t;
        });
        long commitMs = Math.max(50, settings.commitInterval().toMillis());
        background.scheduleWithFixedDelay(this::flushCommitted, commitMs, commitMs, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::refreshDetails, 0, HEALTH_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        int failures = 0;
        try {
            while (!stopRequested && context.isRunning()) {
                DebeziumDialect.StartPlan plan;
                try {
                    plan = dialect.prepare(settings, Optional.ofNullable(engineOffset));
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
                positions.engineStarting();
                EngineRun outcome = runEngine(context, plan, mapper);
                if (stopRequested || !context.isRunning()) {
                    break;
                }
                if (outcome.received()) {
                    failures = 0;
                }
                if (outcome.failure() == null) {
                    continue;
                }
                if (outcome.failure() instanceof InterruptedException ie) {
                    throw ie;
                }
                EtlException e = dialect.translate(outcome.failure());
                if (!e.isRetriable()) {
                    throw e;
                }
                failures = retryOrThrow(e, failures);
            }
        } finally {
            connected = false;
            running = false;
            background.shutdownNow();
            dialect.close();
        }
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

    private record EngineRun(Throwable failure, boolean received) {}

    private EngineRun runEngine(SourceContext context, DebeziumDialect.StartPlan plan, ChangeEventMapper mapper) throws InterruptedException {
        String engineName = "etl-" + settings.sanitizedId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Properties props = engineProperties(engineName, plan.tables());
        plan.resumeOffset().ifPresent(o -> EtlOffsetBackingStore.seed(engineName, dialect.sourcePartition(settings), o));
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        long startsBefore = ++engineStarts;
        boolean[] received = {false};
        committer = null;
        template = null;
        DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> e = DebeziumEngine.create(Connect.class)
                .using(props)
                .using(OffsetCommitPolicy.always())
                .using(clock)
                .using((success, message, error) -> done.complete(success ? null
                        : error != null ? error : new EtlException(ErrorCode.SOURCE_FAILED, Secrets.maskText(message))))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        connected = true;
                        problem = null;
                        lastActivityAt = clock.instant();
                    }

                    @Override
                    public void taskStopped() {
                        connected = false;
                    }
                })
                .notifying((records, batchCommitter) -> {
                    received[0] = true;
                    handleBatch(context, mapper, records, batchCommitter);
                })
                .build();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "etl-source-" + settings.sourceId() + "-engine-" + startsBefore);
            t.setDaemon(true);
            return t;
        });
        engine = e;
        engineDone = done;
        try {
            runner.execute(e);
            while (true) {
                try {
                    Throwable failure = done.get(200, TimeUnit.MILLISECONDS);
                    return new EngineRun(failure, received[0]);
                } catch (TimeoutException timeout) {
                    if (stopRequested || !context.isRunning()) {
                        closeEngine(e);
                        try {
                            done.get(30, TimeUnit.SECONDS);
                        } catch (Exception ignored) {
                            // stopping anyway
                        }
                        return new EngineRun(null, received[0]);
                    }
                } catch (java.util.concurrent.ExecutionException impossible) {
                    return new EngineRun(impossible.getCause(), received[0]);
                }
            }
        } finally {
            engine = null;
            connected = false;
            closeEngine(e);
            EtlOffsetBackingStore.forget(engineName);
            runner.shutdown();
            if (!runner.awaitTermination(30, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
        }
    }

    private Properties engineProperties(String engineName, List<String> tables) {
        Properties props = new Properties();
        props.setProperty("name", engineName);
        props.setProperty("connector.class", dialect.connectorClass());
        props.setProperty("topic.prefix", settings.sanitizedId());
        props.setProperty("offset.storage", EtlOffsetBackingStore.class.getName());
        props.setProperty("offset.flush.timeout.ms", "10000");
        props.setProperty("tombstones.on.delete", "false");
        props.setProperty("poll.interval.ms", Long.toString(Math.max(10, settings.pollInterval().toMillis())));
        props.setProperty("signal.enabled.channels", "in-process");
        props.setProperty("max.batch.size", "4096");
        props.setProperty("max.queue.size", "16384");
        props.putAll(dialect.connectorProperties(settings, tables));
        props.putAll(settings.passThrough());
        // reconnects belong to this class: it re-checks the position and resets the per-run numbering first
        props.setProperty("errors.max.retries", "0");
        props.setProperty("name", engineName);
        props.setProperty("offset.storage", EtlOffsetBackingStore.class.getName());
        return props;
    }

    private void handleBatch(SourceContext context, ChangeEventMapper mapper, List<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> batchCommitter) throws InterruptedException {
        if (committer != batchCommitter) {
            committer = batchCommitter;
        }
        if (template == null && !records.isEmpty()) {
            template = records.get(0);
        }
        Instant now = clock.instant();
        lastActivityAt = now;
        List<ChangeEvent> out = new ArrayList<>(records.size());
        Position lastInBatch = lastEmitted;
        Map<String, ?> heartbeatOffset = null;
        Position heartbeatAfter = null;
        ChangeEvent lastEvent = null;
        for (io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> rce : records) {
            SourceRecord record = rce.value();
            ChangeEvent event;
            if (ChangeEventMapper.isHeartbeat(record)) {
                event = null;
            } else if (!dialect.mapsEnvelopes() && ChangeEventMapper.isEnvelope(record)) {
                event = mapper.map(record);
            } else {
                event = dialect.mapOther(record, recordContext(mapper));
            }
            if (event == null) {
                if (record.sourceOffset() != null && !record.sourceOffset().isEmpty()) {
                    heartbeatOffset = record.sourceOffset();
                    heartbeatAfter = lastInBatch;
                }
                continue;
            }
            out.add(event);
            lastEvent = event;
            lastInBatch = event.position();
        }
        if (lastEvent != null) {
            lastEventAt = now;
            lagMillis = Math.max(0, now.toEpochMilli() - lastEvent.sourceTimestamp().toEpochMilli());
        } else if (heartbeatOffset != null && mapper.lastDroppedTimestamp() != null) {
            lagMillis = Math.max(0, now.toEpochMilli() - mapper.lastDroppedTimestamp().toEpochMilli());
        }
        if (!out.isEmpty()) {
            context.emit(out);
            lastEmitted = lastInBatch;
        }
        if (heartbeatOffset != null) {
            synchronized (commitLock) {
                pendingHeartbeat = new PendingHeartbeat(new HashMap<>(heartbeatOffset), heartbeatAfter);
            }
        }
    }

    private DebeziumDialect.RecordContext recordContext(ChangeEventMapper mapper) {
        return new DebeziumDialect.RecordContext() {
            @Override
            public String sourceId() {
                return settings.sourceId();
            }

            @Override
            public Position streamPosition(List<Object> streamKey, Map<String, ?> offset) {
                return mapper.positions().stream(streamKey, offset);
            }

            @Override
            public Position snapshotPosition(Map<String, ?> offset) {
                return mapper.positions().snapshot(offset);
            }
        };
    }

    /** Hands the newest acknowledged offset (or a heartbeat's, once everything before it is acknowledged) to Debezium. */
    private void flushCommitted() {
        try {
            Position c = committed;
            Map<String, Object> toFlush = null;
            Position flushedPosition = lastFlushed;
            if (c != null && c != lastFlushed && !c.offset().isEmpty()) {
                toFlush = c.offset();
                flushedPosition = c;
            }
            synchronized (commitLock) {
                PendingHeartbeat hb = pendingHeartbeat;
                if (hb != null && (hb.after() == null || (c != null && !hb.after().isAfter(c)))) {
                    toFlush = hb.offset();
                    pendingHeartbeat = null;
                }
            }
            if (toFlush == null) {
                return;
            }
            DebeziumEngine.RecordCommitter<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> cm = committer;
            io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> t = template;
            if (cm != null && t != null && engine != null) {
                DebeziumEngine.Offsets offsets = cm.buildOffsets();
                toFlush.forEach(offsets::set);
                cm.markProcessed(t, offsets);
                cm.markBatchFinished();
            }
            engineOffset = new LinkedHashMap<>(toFlush);
            lastFlushed = flushedPosition;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("source {}: could not confirm the committed offset to {} (will retry): {}", settings.sourceId(),
                    dialect.databaseName(), Secrets.maskText(String.valueOf(e.getMessage())));
        }
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
        DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> e = engine;
        if (e != null) {
            closeEngine(e);
        }
    }

    private void closeEngine(DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> e) {
        try {
            e.close();
        } catch (Exception ex) {
            LOG.debug("closing engine of source {}: {}", settings.sourceId(), ex.toString());
        }
    }

    @Override
    public void onCommitted(Position position) {
        committed = position;
    }

    /**
     * Re-reads tables as snapshot events while streaming goes on (Debezium's blocking snapshot: streaming
     * pauses, the tables are read, streaming resumes where it was). The snapshot rows sort after everything
     * delivered before.
     *
     * @throws EtlException when the source is not running
     */
    @Override
    public void requestSnapshot(List<String> tables) {
        DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> e = engine;
        if (e == null || !connected) {
            throw new EtlException(ErrorCode.SOURCE_FAILED, "source '" + settings.sourceId()
                    + "' is not streaming; start it first (a source that lost its position re-snapshots when started with snapshot_mode: when_needed)");
        }
        List<String> names = tables == null || tables.isEmpty() ? settings.tables() : tables;
        List<String> qualified = names.stream().map(this::qualifyForSignal).toList();
        StringBuilder json = new StringBuilder("{\"type\":\"blocking\",\"data-collections\":[");
        for (int i = 0; i < qualified.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(qualified.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        json.append("]}");
        e.getSignaler().signal(new DebeziumEngine.Signal(UUID.randomUUID().toString(), "execute-snapshot", json.toString(), null));
    }

    private String qualifyForSignal(String table) {
        return dialect.qualify(table);
    }

    @Override
    public SourceHealth health() {
        if (!running) {
            return problem == null ? SourceHealth.unknown() : SourceHealth.down(problem);
        }
        String message = problem;
        boolean up = connected;
        if (up && Boolean.FALSE.equals(dialect.connectorConnected(settings))) {
            up = false;
            message = "the connector is not connected to " + dialect.databaseName() + " (connecting, or reconnecting after a connection loss)";
        }
        HealthVerdict verdict = HealthVerdict.of(up, message, dialect.databaseName(),
                settings.heartbeatsEnabled() ? lastActivityAt : null, clock.instant(), settings.stallTimeout(),
                "nothing (not even a heartbeat) arrived", tableErrors.size(), "table(s)");
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("engine_starts", engineStarts);
        Position c = committed;
        if (c != null) {
            d.put("committed_position", c.display());
        }
        return new SourceHealth(verdict.status(), up, lastEventAt, lagMillis, verdict.message(), tableErrors, d);
    }
}
