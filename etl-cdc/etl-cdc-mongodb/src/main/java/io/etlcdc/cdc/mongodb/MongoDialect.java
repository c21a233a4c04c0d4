package io.etlcdc.cdc.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.etlcdc.cdc.debezium.DebeziumDialect;
import io.etlcdc.cdc.debezium.DebeziumFailures;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * MongoDB for the Debezium glue: change streams read by Debezium's MongoDB connector on a replica set or a
 * sharded cluster (one stream on the captured database, or deployment-wide when the collections are in several
 * databases, filtered to the captured collections), updates delivered with the
 * full document looked up after the change, resume tokens as positions ({@link MongoChangeMapper}).
 *
 * <p>Before each start it opens a change stream once, at the position it will resume from: that proves the
 * deployment supports change streams (a standalone server does not) and that the resume token is still in
 * the oplog (else {@link ErrorCode#POSITION_LOST}, or a new snapshot with {@code snapshot_mode: when_needed}).
 *
 * <p>What Debezium's connector does not deliver: it filters change streams to insert/update/replace/delete,
 * so dropping or renaming a collection produces no event.
 */
final class MongoDialect extends DebeziumDialect {
    private static final Logger LOG = LoggerFactory.getLogger(MongoDialect.class);
    private static final String CONNECTOR = "io.debezium.connector.mongodb.MongoDbConnector";
    private static final int NOT_A_REPLICA_SET = 40573;
    private static final int HISTORY_LOST = 286;
    private static final int CHANGE_STREAM_FATAL = 280;
    private static final int UNAUTHORIZED = 13;
    private static final int AUTHENTICATION_FAILED = 18;

    private final MongoEndpoint endpoint;
    private final String sourceId;
    private final boolean preImages;

    MongoDialect(MongoEndpoint endpoint, String sourceId, Configuration config) {
        this.endpoint = endpoint;
        this.sourceId = sourceId;
        this.preImages = config.get(MongoOptions.PRE_IMAGES);
    }

    @Override
    public String databaseName() {
        return "MongoDB";
    }

    @Override
    public String connectorClass() {
        return CONNECTOR;
    }

    @Override
    public Map<String, Object> sourcePartition(DebeziumSettings settings) {
        return Map.of("server_id", settings.sanitizedId());
    }

    @Override
    public String qualify(String collection) {
        String c = collection.trim();
        return c.indexOf('.') < 0 ? endpoint.database() + "." + c : c;
    }

    @Override
    public boolean mapsEnvelopes() {
        return true;
    }

    @Override
    public Map<String, String> connectorProperties(DebeziumSettings settings, List<String> collections) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("mongodb.connection.string", endpoint.uri());
        Set<String> databases = new LinkedHashSet<>();
        databases.add(endpoint.database());
        collections.forEach(c -> databases.add(c.substring(0, c.indexOf('.'))));
        p.put("database.include.list", String.join(",", databases.stream().map(MongoDialect::exact).toList()));
        if (!collections.isEmpty()) {
            p.put("collection.include.list", String.join(",", collections.stream().map(MongoDialect::exact).toList()));
        }
        String[] scope = scope(collections);
        p.put("capture.scope", scope[0]);
        if (scope[1] != null) {
            p.put("capture.target", scope[1]);
        }
        p.put("capture.mode", preImages ? "change_streams_update_full_with_pre_image" : "change_streams_update_full");
        p.put("snapshot.mode", switch (settings.snapshotMode()) {
            case "never" -> "no_data";
            case "when_needed" -> "when_needed";
            default -> "initial";
        });
        if (settings.heartbeatsEnabled()) {
            p.put("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
        }
        p.put("skipped.operations", "none");
        return p;
    }

    /**
     * Where the change stream is opened: the one database all captured collections are in (which needs only read
     * access to it), else the whole deployment (readAnyDatabase). {@code debezium.capture.scope}/{@code capture.target}
     * override it.
     */
    String[] scope(List<String> collections) {
        Set<String> databases = new LinkedHashSet<>();
        collections.forEach(c -> databases.add(c.substring(0, c.indexOf('.'))));
        if (collections.isEmpty()) {
            databases.add(endpoint.database());
        }
        return databases.size() == 1 ? new String[]{"database", databases.iterator().next()} : new String[]{"deployment", null};
    }

    private static String exact(String name) {
        return Pattern.quote(name).replace(",", "\\,");
    }

    @Override
    public StartPlan prepare(DebeziumSettings settings, Optional<Map<String, Object>> resume) {
        List<String> collections = settings.tables().stream().map(this::qualify).toList();
        Optional<Map<String, Object>> offset = resume;
        try (MongoClient client = endpoint.client()) {
            String problem = openStream(client, settings, collections, resume);
            if (problem != null && problem.startsWith("lost:")) {
                String why = problem.substring(5);
                if ("when_needed".equals(settings.snapshotMode())) {
                    LOG.warn("source {}: {}; snapshot_mode is when_needed, so every collection is read again as a new snapshot", sourceId, why);
                    offset = Optional.empty();
                } else {
                    throw positionLost(why, null);
                }
            } else if (problem != null) {
                throw new EtlException(ErrorCode.SOURCE_FAILED, "MongoDB source '" + sourceId + "' cannot capture: " + problem);
            }
        } catch (MongoException e) {
            throw translate(e);
        }
        return new StartPlan(collections, Map.of(), offset);
    }

    /**
     * Opens a change stream where capture will (at the resume token, if any) and reads once. Returns null when
     * that works, {@code "lost:<why>"} when the token is no longer in the oplog, otherwise what to fix.
     */
    String openStream(MongoClient client, DebeziumSettings settings, List<String> collections, Optional<Map<String, Object>> resume) {
        String[] ours = scope(collections);
        String scope = settings.passThrough().getOrDefault("capture.scope", ours[0]);
        String target = settings.passThrough().getOrDefault("capture.target", ours[1]);
        ChangeStreamIterable<Document> stream;
        if ("collection".equals(scope)) {
            if (target == null || target.indexOf('.') < 0) {
                return "capture.scope collection needs capture.target (db.collection)";
            }
            stream = client.getDatabase(target.substring(0, target.indexOf('.'))).getCollection(target.substring(target.indexOf('.') + 1)).watch();
        } else if ("database".equals(scope)) {
            stream = client.getDatabase(target == null ? endpoint.database() : target).watch();
        } else {
            stream = client.watch();
        }
        Optional<BsonDocument> token = resume.filter(o -> !snapshotInProgress(o)).map(o -> o.get("resume_token"))
                .filter(String.class::isInstance).map(t -> decodeToken((String) t));
        token.ifPresent(stream::resumeAfter);
        return check(stream);
    }

    /** Opens the given change stream and reads once: null when that works, else what to fix ({@code "lost:..."} for a lost token). */
    <T> String check(ChangeStreamIterable<T> stream) {
        try (MongoChangeStreamCursor<ChangeStreamDocument<T>> cursor = stream.maxAwaitTime(100, TimeUnit.MILLISECONDS).cursor()) {
            cursor.tryNext();
            return null;
        } catch (com.mongodb.MongoServerException e) {
            return classify(e.getCode(), e.getMessage());
        }
    }

    private String classify(int code, String message) {
        if (code == HISTORY_LOST || code == CHANGE_STREAM_FATAL || String.valueOf(message).contains("no longer be in the oplog")) {
            return "lost:the resume token of the committed position is no longer in the oplog (" + message + ")";
        }
        if (code == NOT_A_REPLICA_SET || String.valueOf(message).contains("only supported on replica sets")) {
            return "change streams need a replica set or a sharded cluster (" + message + "): run mongod with --replSet rs0 and "
                    + "rs.initiate() (a single-member replica set is enough), and name it in connection_string (?replicaSet=rs0)";
        }
        if (code == UNAUTHORIZED) {
            return "permission denied (" + message + "): grant the user the read role on the captured databases and the "
                    + "changeStream/find actions (e.g. db.grantRolesToUser('cdc_user', [{role: 'read', db: '" + endpoint.database()
                    + "'}]); collections in several databases need readAnyDatabase)";
        }
        LOG.debug("source {}: change stream check inconclusive: {} {}", sourceId, code, message);
        return null;
    }

    static BsonDocument decodeToken(String base64) {
        return new org.bson.codecs.BsonDocumentCodec().decode(new org.bson.BsonBinaryReader(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(base64))),
                org.bson.codecs.DecoderContext.builder().build());
    }

    private static boolean snapshotInProgress(Map<String, Object> offset) {
        return Boolean.TRUE.equals(offset.get("initsync")) || "true".equals(String.valueOf(offset.get("initsync")));
    }

    private EtlException positionLost(String why, Throwable cause) {
        return new EtlException(ErrorCode.POSITION_LOST, why + ": the changes since the committed position cannot be read any more. "
                + "Re-snapshot: restart the source with snapshot_mode: when_needed (or reset its committed position) to read every "
                + "collection again, and size the oplog (replSetResizeOplog, oplogMinRetentionHours) for the longest stop; nothing "
                + "is resumed from 'now' silently.", cause);
    }

    @Override
    public ChangeEvent mapOther(SourceRecord record, RecordContext context) {
        return MongoChangeMapper.map(record, context);
    }

    @Override
    public List<Object> streamKey(Map<String, ?> sourceOffset, Struct sourceInfo) {
        return MongoChangeMapper.streamKey(sourceOffset);
    }

    @Override
    public EtlException translate(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException e) {
                return e;
            }
            if (t instanceof MongoSecurityException || t instanceof MongoCommandException c && c.getErrorCode() == AUTHENTICATION_FAILED) {
                return new EtlException(ErrorCode.CONNECTION_FAILED, "MongoDB refused the credentials of " + endpoint
                        + " (" + Secrets.maskText(DebeziumFailures.rootMessage(t)) + "): check user, password and authSource in connection_string", error);
            }
            if (t instanceof MongoException m) {
                String problem = classify(m.getCode(), m.getMessage());
                if (problem != null && problem.startsWith("lost:")) {
                    return positionLost(problem.substring(5), error);
                }
                if (problem != null) {
                    return new EtlException(ErrorCode.SOURCE_FAILED, "MongoDB source '" + sourceId + "' cannot capture: " + Secrets.maskText(problem), error);
                }
            }
            if (t instanceof MongoTimeoutException || t instanceof MongoSocketException) {
                return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, "cannot reach MongoDB at " + endpoint + " ("
                        + Secrets.maskText(DebeziumFailures.rootMessage(t)) + "): check the hosts in connection_string and that the "
                        + "replica set is up", error);
            }
        }
        return DebeziumFailures.translate(databaseName(), error);
    }

    /** Collections of the captured databases, for messages about unknown ones. */
    static List<String> collectionsIn(MongoClient client, String database) {
        List<String> out = new ArrayList<>();
        for (String name : client.getDatabase(database).listCollectionNames()) {
            out.add(name);
            if (out.size() >= 50) {
                break;
            }
        }
        out.sort(String::compareTo);
        return out;
    }
}
