package io.etlcdc.cdc.mongodb;

import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.client.model.changestream.OperationType;
import io.etlcdc.cdc.debezium.Backoff;
import io.etlcdc.cdc.debezium.HealthVerdict;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.cdc.debezium.PositionTracker;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code driver} engine of the {@code mongodb} source: one change stream opened with the MongoDB Java driver
 * ({@code watch()}), mapped by {@link MongoStreamMapper}.
 *
 * <p><b>Stream.</b> On the one captured collection ({@code collection.watch()}: the least privilege, the server
 * filters), on the one database all captured collections are in ({@code db.watch()} with a {@code $match} on the
 * collections), or deployment-wide ({@code client.watch()}) when they are in several databases. Updates are looked up
 * ({@code fullDocument: updateLookup}); on MongoDB 6.0+ pre-images are asked for {@code whenAvailable} (delivered as
 * {@code before} for collections with {@code changeStreamPreAndPostImages} enabled, else {@code before} stays null).
 * Unlike Debezium's connector it keeps drop, rename and dropDatabase events (DDL events). An {@code invalidate} (the
 * watched collection dropped or renamed, the watched database dropped) re-opens the stream with {@code startAfter}
 * the invalidate token, so capture goes on when the collection is created again.
 *
 * <p><b>Positions.</b> As the Debezium path: sort key {@code [epoch, 0, seq]} for snapshot reads and
 * {@code [epoch, 1, tokenHex, index]} for changes ({@link PositionTracker}); offsets {@code {sec, ord, resume_token}}
 * in Debezium's format, so either engine resumes from the other's committed position. Snapshot reads carry
 * {@code initsync: true} and the token of the stream opened before the snapshot, except the last one: a restart
 * during a snapshot reads it again (its rows sort after the ones delivered, sinks upsert them), a restart after it
 * resumes the stream from before the snapshot, so nothing written during the snapshot is lost.
 *
 * <p><b>Failures.</b> Lost connections, elections, a killed cursor: retried with backoff ({@code retry_*},
 * {@code max_retries}), resuming from the newest token read (every change read before it was handed to the
 * pipeline). A committed token that left the oplog: {@link ErrorCode#POSITION_LOST} or, with
 * {@code snapshot_mode: when_needed}, a new snapshot. Not a replica set, missing privileges, bad credentials: a
 * permanent error saying what to fix ({@link MongoDialect#translate}).
 *
 * <p>Thread-safety: {@link #stop}, {@link #onCommitted}, {@link #health} and {@link #requestSnapshot} may be called
 * from any thread; {@link #run} runs on the runtime's thread.
 */
final class MongoChangeStreamSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(MongoChangeStreamSource.class);
    private static final int HISTORY_LOST = 286;
    private static final int CHANGE_STREAM_FATAL = 280;
    private static final int SNAPSHOT_BATCH = 1024;
    private static final int STREAM_BATCH = 4096;
    private static final int PRE_IMAGE_WIRE_VERSION = 17; // MongoDB 6.0

    private final MongoEndpoint endpoint;
    private final DebeziumSettings settings;
    private final MongoDialect errors;
    private final Clock clock;
    private final List<String> collections;
    private final MongoStreamMapper.Watched watched;
    private final String scope;

    private final Backoff backoff;
    private volatile boolean stopRequested;
    private volatile MongoClient client;
    private volatile List<String> snapshotRequest;

    // the stream: touched by the run thread only
    private BsonDocument resumeToken;
    private boolean startAfter;
    private boolean snapshotPending;
    private boolean snapshotted;
    private ChangeStreamDocument<BsonDocument> pendingFirst;
    private int failures;

    // health
    private volatile boolean running;
    private volatile boolean connected;
    private volatile Instant lastEventAt;
    private volatile Instant lastActivityAt;
    private volatile long lagMillis = -1;
    private volatile String problem;
    private volatile Position committed;
    private volatile long reconnects;
    private volatile boolean preImages;
    private volatile Map<String, String> tableErrors = Map.of();
    private final ArrayDeque<long[]> rate = new ArrayDeque<>();

    MongoChangeStreamSource(MongoEndpoint endpoint, DebeziumSettings settings, MongoDialect errors, Clock clock) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.backoff = new Backoff(settings);
        this.errors = errors;
        this.clock = clock == null ? Clock.systemUTC() : clock;
        this.collections = settings.tables().stream().map(errors::qualify).distinct().toList();
        Set<String> databases = new LinkedHashSet<>();
        collections.forEach(c -> databases.add(c.substring(0, c.indexOf('.'))));
        if (collections.size() == 1) {
            String c = collections.get(0);
            watched = new MongoStreamMapper.Watched(c.substring(0, c.indexOf('.')), c.substring(c.indexOf('.') + 1));
            scope = "collection";
        } else if (collections.isEmpty() || databases.size() == 1) {
            watched = new MongoStreamMapper.Watched(collections.isEmpty() ? endpoint.database() : databases.iterator().next(), null);
            scope = "database";
        } else {
            watched = MongoStreamMapper.Watched.deployment();
            scope = "deployment";
        }
    }

    /** {@code collection}, {@code database} or {@code deployment}: where the change stream is opened. */
    String scope() {
        return scope;
    }

    /** The change stream this source opens (without its start point), for the connection check too. */
    ChangeStreamIterable<BsonDocument> watch(MongoClient c, boolean withPreImages) {
        ChangeStreamIterable<BsonDocument> stream = switch (scope) {
            case "collection" -> c.getDatabase(watched.database()).getCollection(watched.collection()).watch(BsonDocument.class);
            case "database" -> collections.isEmpty()
                    ? c.getDatabase(watched.database()).watch(BsonDocument.class)
                    : c.getDatabase(watched.database()).watch(List.of(match()), BsonDocument.class);
            default -> c.watch(List.of(match()), BsonDocument.class);
        };
        stream.fullDocument(FullDocument.UPDATE_LOOKUP);
        if (withPreImages) {
            stream.fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE);
        }
        long awaitMs = Math.max(10, Math.min(1000, settings.pollInterval().toMillis()));
        return stream.maxAwaitTime(awaitMs, TimeUnit.MILLISECONDS).batchSize(STREAM_BATCH);
    }

    /** Only the captured collections: their changes, drops, renames from or to them, drops of their databases, invalidates. */
    private BsonDocument match() {
        BsonArray or = new BsonArray();
        Set<String> databases = new LinkedHashSet<>();
        for (String c : collections) {
            String db = c.substring(0, c.indexOf('.'));
            String coll = c.substring(c.indexOf('.') + 1);
            databases.add(db);
            or.add(new BsonDocument("ns.db", new BsonString(db)).append("ns.coll", new BsonString(coll)));
            or.add(new BsonDocument("to.db", new BsonString(db)).append("to.coll", new BsonString(coll)));
        }
        BsonArray dbs = new BsonArray();
        databases.forEach(d -> dbs.add(new BsonString(d)));
        or.add(new BsonDocument("operationType", new BsonString("dropDatabase")).append("ns.db", new BsonDocument("$in", dbs)));
        or.add(new BsonDocument("operationType", new BsonString("invalidate")));
        return new BsonDocument("$match", new BsonDocument("$or", or));
    }

    @Override
    public void run(SourceContext context) throws Exception {
        running = true;
        committed = context.committedPosition().orElse(null);
        PositionTracker positions = new PositionTracker(committed);
        Map<String, Object> offset = committed == null ? Map.of() : committed.offset();
        boolean inSnapshot = Boolean.TRUE.equals(offset.get("initsync")) || "true".equals(String.valueOf(offset.get("initsync")));
        if (offset.get("resume_token") instanceof String t && !t.isEmpty()) {
            resumeToken = MongoDialect.decodeToken(t);
        }
        snapshotPending = committed == null ? !"never".equals(settings.snapshotMode()) : inSnapshot;
        if (committed != null && resumeToken == null && !inSnapshot) {
            throw new EtlException(ErrorCode.POSITION_LOST, "the committed position of MongoDB source '" + settings.sourceId()
                    + "' holds no resume token (" + committed.display() + "); reset the source's position to snapshot again");
        }
        failures = 0;
        try {
            while (!stopRequested && context.isRunning()) {
                try (MongoClient c = endpoint.client()) {
                    client = c;
                    if (stopRequested) {
                        break;
                    }
                    stream(context, c, positions);
                } catch (InterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (stopRequested || !context.isRunning()) {
                        break;
                    }
                    EtlException failure = translate(e);
                    if (!failure.isRetriable()) {
                        throw failure;
                    }
                    failures = retryOrThrow(failure, failures + 1);
                } finally {
                    client = null;
                    connected = false;
                }
            }
        } finally {
            connected = false;
            running = false;
        }
    }

    /** One connection: opens the stream (snapshotting first when due) and reads until stopped or invalidated. */
    private void stream(SourceContext context, MongoClient c, PositionTracker positions) throws InterruptedException {
        preImages = supportsPreImages(c);
        if (resumeToken == null && snapshotted) {
            // the stream's position before the lost connection is unknown (a server without post-batch resume tokens):
            // read the collections again rather than miss what was written meanwhile
            snapshotPending = true;
        }
        while (!stopRequested && context.isRunning()) {
            pendingFirst = null;
            MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> opened;
            try {
                opened = open(c);
            } catch (MongoServerException e) {
                if (!isHistoryLost(e)) {
                    throw e;
                }
                if (!"when_needed".equals(settings.snapshotMode())) {
                    throw errors.translate(e);
                }
                LOG.warn("source {}: the committed resume token is no longer in the oplog; snapshot_mode is when_needed, so every "
                        + "collection is read again as a new snapshot", settings.sourceId());
                resumeToken = null;
                startAfter = false;
                snapshotPending = true;
                opened = open(c);
            }
            MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor = opened;
            connected = true;
            problem = null;
            lastActivityAt = clock.instant();
            try (cursor) {
                if (snapshotPending) {
                    snapshot(context, c, cursor, positions, collectionsToSnapshot(c, List.of()));
                    snapshotPending = false;
                    snapshotted = true;
                }
                readUntilInvalidated(context, c, cursor, positions);
            }
        }
    }

    private MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> open(MongoClient c) {
        ChangeStreamIterable<BsonDocument> stream = watch(c, preImages);
        if (resumeToken != null) {
            if (startAfter) {
                stream.startAfter(resumeToken);
            } else {
                stream.resumeAfter(resumeToken);
            }
        }
        return stream.cursor();
    }

    /** Reads changes and hands them over in batches; returns after an invalidate (the caller re-opens) or when stopping. */
    private void readUntilInvalidated(SourceContext context, MongoClient c, MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor,
                                         PositionTracker positions) throws InterruptedException {
        List<ChangeEvent> batch = new ArrayList<>();
        while (!stopRequested && context.isRunning()) {
            List<String> request = snapshotRequest;
            if (request != null) {
                snapshotRequest = null;
                snapshot(context, c, cursor, positions, collectionsToSnapshot(c, request));
            }
            ChangeStreamDocument<BsonDocument> doc = pendingFirst != null ? pendingFirst : cursor.tryNext();
            pendingFirst = null;
            Instant now = clock.instant();
            lastActivityAt = now;
            failures = 0;
            if (doc == null) {
                BsonDocument postBatch = cursor.getResumeToken();
                if (postBatch != null) {
                    resumeToken = postBatch;
                    startAfter = false;
                }
                lagMillis = 0;
                continue;
            }
            if (doc.getOperationType() == OperationType.INVALIDATE) {
                emit(context, batch);
                resumeToken = doc.getResumeToken();
                startAfter = true;
                LOG.info("source {}: change stream invalidated (the watched collection or database was dropped or renamed); "
                        + "re-opening it after the invalidate", settings.sourceId());
                return;
            }
            ChangeEvent event = MongoStreamMapper.map(settings.sourceId(), doc, watched, positions::stream);
            if (event != null && (collections.isEmpty() || captured(event))) {
                batch.add(event);
                lagMillis = Math.max(0, now.toEpochMilli() - event.sourceTimestamp().toEpochMilli());
            }
            if (batch.size() >= STREAM_BATCH || cursor.available() == 0) {
                emit(context, batch);
            }
            resumeToken = doc.getResumeToken();
            startAfter = false;
        }
        emit(context, batch);
    }

    private boolean captured(ChangeEvent e) {
        if (e.operation() != Operation.DDL) {
            return collections.contains(e.collection());
        }
        if (collections.contains(e.collection())) {
            return true;
        }
        String ddl = e.ddl();
        if (ddl.startsWith("drop database ")) {
            return collections.stream().anyMatch(c -> c.startsWith(e.collection() + "."));
        }
        return ddl.startsWith("rename ") && collections.stream().anyMatch(c -> ddl.endsWith(" to " + c));
    }

    private void emit(SourceContext context, List<ChangeEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<ChangeEvent> out = List.copyOf(batch);
        batch.clear();
        context.emit(out);
        lastEventAt = clock.instant();
        count(out.size());
    }

    /** Reads the given collections as snapshot events while the stream that follows waits (it is already open). */
    private void snapshot(SourceContext context, MongoClient c, MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor,
                          PositionTracker positions, List<String> names) throws InterruptedException {
        BsonDocument streamStart = cursor.getResumeToken();
        if (streamStart == null && pendingFirst == null) {
            // an empty getMore brings the post-batch resume token (MongoDB 4.0.7+); a change read instead waits for after the snapshot
            ChangeStreamDocument<BsonDocument> first = cursor.tryNext();
            if (first == null) {
                streamStart = cursor.getResumeToken();
            } else {
                pendingFirst = first;
            }
        }
        if (streamStart == null) {
            streamStart = resumeToken;
        }
        if (streamStart != null) {
            // a cursor killed during a long snapshot is re-opened here, so that nothing written meanwhile is lost
            resumeToken = streamStart;
            startAfter = false;
        }
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("initsync", true);
        if (streamStart != null) {
            offset.put("resume_token", MongoStreamMapper.encodeToken(streamStart));
        }
        LOG.info("source {}: snapshot of {} (streaming resumes after it from {})", settings.sourceId(), names,
                streamStart == null ? "the stream opened before it" : "token " + MongoStreamMapper.tokenData(streamStart));
        Instant at = clock.instant();
        Map<String, String> failed = new LinkedHashMap<>(tableErrors);
        List<ChangeEvent> batch = new ArrayList<>(SNAPSHOT_BATCH);
        ChangeEvent held = null;
        for (String name : names) {
            String db = name.substring(0, name.indexOf('.'));
            String coll = name.substring(name.indexOf('.') + 1);
            try (MongoCursor<BsonDocument> rows = c.getDatabase(db).getCollection(coll, BsonDocument.class).find().batchSize(SNAPSHOT_BATCH).cursor()) {
                while (rows.hasNext()) {
                    if (stopRequested || !context.isRunning()) {
                        return;
                    }
                    Map<String, Object> after = BsonValues.document(rows.next());
                    Map<String, Object> key = new LinkedHashMap<>(2);
                    key.put("_id", after.get("_id"));
                    if (held != null) {
                        batch.add(held);
                    }
                    held = ChangeEvent.builder(settings.sourceId(), name, Operation.INSERT).snapshot(true).key(key).after(after)
                            .sourceTimestamp(at).position(positions.snapshot(offset)).build();
                    if (batch.size() >= SNAPSHOT_BATCH) {
                        emit(context, batch);
                    }
                    lastActivityAt = clock.instant();
                }
                failed.remove(name);
            } catch (MongoServerException e) {
                if (e.getCode() != 13) {
                    throw e;
                }
                failed.put(name, "permission denied reading it for the snapshot (" + Secrets.maskText(e.getMessage())
                        + "): grant the user the read role on " + db);
                LOG.warn("source {}: collection {} not snapshotted: {}", settings.sourceId(), name, failed.get(name));
            }
        }
        tableErrors = Map.copyOf(failed);
        if (held != null) {
            Map<String, Object> done = new LinkedHashMap<>(offset);
            if (streamStart != null) {
                done.remove("initsync");
            }
            batch.add(held.withPosition(new Position(held.position().sortKey(), done)));
        }
        emit(context, batch);
    }

    private List<String> collectionsToSnapshot(MongoClient c, List<String> requested) {
        if (requested != null && !requested.isEmpty()) {
            return requested.stream().map(errors::qualify).distinct().toList();
        }
        if (!collections.isEmpty()) {
            return collections;
        }
        List<String> all = new ArrayList<>();
        for (String name : c.getDatabase(watched.database()).listCollectionNames()) {
            if (!name.startsWith("system.")) {
                all.add(watched.database() + "." + name);
            }
        }
        all.sort(String::compareTo);
        return all;
    }

    /** True on MongoDB 6.0+ (wire version 17), asked with {@code hello} (4.4.2+) or, where that is unknown, {@code isMaster}. */
    private static boolean supportsPreImages(MongoClient c) {
        for (String command : List.of("hello", "isMaster")) {
            try {
                Document hello = c.getDatabase("admin").runCommand(new Document(command, 1));
                return hello.get("maxWireVersion") instanceof Number n && n.intValue() >= PRE_IMAGE_WIRE_VERSION;
            } catch (MongoServerException e) {
                LOG.debug("{} failed: {}", command, e.getMessage());
            }
        }
        return false;
    }

    private static boolean isHistoryLost(MongoServerException e) {
        return e.getCode() == HISTORY_LOST || e.getCode() == CHANGE_STREAM_FATAL
                || String.valueOf(e.getMessage()).contains("no longer be in the oplog");
    }

    /** Connection trouble, elections and killed cursors are retried; the rest reads as {@link MongoDialect#translate}. */
    EtlException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException etl) {
                return etl;
            }
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException || t instanceof MongoNotPrimaryException
                    || t instanceof MongoNodeIsRecoveringException || t instanceof MongoCursorNotFoundException
                    || t instanceof MongoInterruptedException
                    || t instanceof MongoException m && (m.hasErrorLabel("ResumableChangeStreamError") || m.hasErrorLabel("RetryableWriteError"))) {
                return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "MongoDB at " + endpoint + " unavailable ("
                        + Secrets.maskText(t.getClass().getSimpleName() + ": " + t.getMessage()) + "); check the hosts in "
                        + "connection_string and that the replica set is up", e);
            }
        }
        if (e instanceof MongoServerException s && isHistoryLost(s)) {
            return new EtlException(ErrorCode.POSITION_LOST, "MongoDB source '" + settings.sourceId() + "': the resume token of "
                    + "the committed position is no longer in the oplog (" + Secrets.maskText(s.getMessage()) + "). Re-snapshot: "
                    + "restart with snapshot_mode: when_needed (or reset the committed position), and size the oplog for the longest stop", e);
        }
        return errors.translate(e);
    }

    private int retryOrThrow(EtlException e, int attempt) throws InterruptedException {
        long delay = backoff.delayBefore(attempt, e);
        problem = "retrying (attempt " + attempt + ") in " + delay + " ms: " + e.getMessage();
        connected = false;
        reconnects++;
        LOG.warn("source {}: {}", settings.sourceId(), problem);
        backoff.sleep(delay, () -> stopRequested);
        return attempt;
    }

    private void count(int n) {
        long second = clock.millis() / 1000;
        synchronized (rate) {
            if (!rate.isEmpty() && rate.peekLast()[0] == second) {
                rate.peekLast()[1] += n;
            } else {
                rate.addLast(new long[]{second, n});
            }
            while (rate.size() > 11) {
                rate.removeFirst();
            }
        }
    }

    /** Events handed over per second over the last ten whole seconds. */
    double eventsPerSecond() {
        long now = clock.millis() / 1000;
        long sum = 0;
        synchronized (rate) {
            for (long[] r : rate) {
                if (r[0] >= now - 10 && r[0] < now) {
                    sum += r[1];
                }
            }
        }
        return sum / 10.0;
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

    /**
     * Reads the given collections (all captured ones when empty) again as snapshot events, between two reads of the
     * stream: streaming pauses and goes on where it was; the rows sort after everything delivered before.
     */
    @Override
    public void requestSnapshot(List<String> tables) {
        if (!running || !connected) {
            throw new EtlException(ErrorCode.SOURCE_FAILED, "source '" + settings.sourceId() + "' is not streaming; start it first "
                    + "(a source that lost its position re-snapshots when started with snapshot_mode: when_needed)");
        }
        snapshotRequest = tables == null ? List.of() : List.copyOf(tables);
    }

    @Override
    public SourceHealth health() {
        if (!running) {
            return problem == null ? SourceHealth.unknown() : SourceHealth.down(problem);
        }
        HealthVerdict verdict = HealthVerdict.of(connected, problem, "MongoDB", lastActivityAt, clock.instant(), settings.stallTimeout(),
                "the change stream answered nothing", tableErrors.size(), "collection(s)");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("engine", "driver");
        d.put("stream_scope", scope);
        d.put("pre_images", preImages);
        d.put("events_per_second", eventsPerSecond());
        d.put("reconnects", reconnects);
        Position c = committed;
        if (c != null) {
            d.put("committed_position", c.display());
        }
        return new SourceHealth(verdict.status(), connected, lastEventAt, lagMillis, verdict.message(), tableErrors, d);
    }
}
