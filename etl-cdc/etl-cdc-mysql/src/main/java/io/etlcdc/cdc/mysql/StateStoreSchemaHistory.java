package io.etlcdc.cdc.mysql;

import io.debezium.config.Configuration;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.spi.StateStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Debezium's database schema history (every DDL statement and the table structures it produced, which the
 * MySQL connector needs to decode binlog rows after a restart) kept in the product's {@link StateStore}:
 * the shared state database when {@code DATABASE_URL} is set, otherwise a file under the data directory.
 * One namespace per source; one entry per record, keyed by a zero-padded sequence number so that records
 * replay in the order they were written.
 *
 * <p>Debezium instantiates this class by name ({@code schema.history.internal}); the store it writes to is
 * registered beforehand with {@link #register} under a token passed as {@value #STORE_KEY}.
 * Records are written as they come (the snapshot's burst as one atomic write through Debezium's buffering);
 * they may run ahead of the committed position, which recovery handles: Debezium replays only the records at
 * or before the offset it resumes from, and the table structures records carry make replaying a DDL
 * statement twice harmless.
 *
 * <p>Thread-safety: one instance per engine run, used by the connector's threads under a lock.
 */
@Internal
public final class StateStoreSchemaHistory extends AbstractSchemaHistory {
    /** The Debezium property naming the registered store. */
    public static final String STORE_KEY = CONFIGURATION_FIELD_PREFIX_STRING + "etl.store";
    private static final String KEY_FORMAT = "%012d";
    private static final Map<String, Target> TARGETS = new ConcurrentHashMap<>();

    /** Where one source's history lives. */
    record Target(StateStore store, String namespace) {}

    private final DocumentWriter writer = DocumentWriter.defaultWriter();
    private final DocumentReader reader = DocumentReader.defaultReader();
    private Target target;
    private long next = -1;
    private Map<String, String> buffer;

    /** Makes {@code store}/{@code namespace} available to history instances configured with {@code token}. */
    static void register(String token, StateStore store, String namespace) {
        TARGETS.put(token, new Target(store, namespace));
    }

    static void unregister(String token) {
        TARGETS.remove(token);
    }

    /** The namespace holding the schema history of a source. */
    static String namespace(String sourceId) {
        return "cdc-schema-history/" + sourceId;
    }

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener, boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        String token = config.getString(STORE_KEY);
        target = token == null ? null : TARGETS.get(token);
        if (target == null) {
            throw new SchemaHistoryException("no schema history store registered under '" + token + "' (" + STORE_KEY
                    + "); this history is created by the etl-cdc MySQL source only");
        }
    }

    @Override
    protected synchronized void storeRecord(HistoryRecord record) throws SchemaHistoryException {
        String json;
        try {
            json = writer.write(record.document());
        } catch (IOException e) {
            throw new SchemaHistoryException("cannot serialize a schema history record", e);
        }
        String key = String.format(KEY_FORMAT, nextSequence());
        if (buffer != null) {
            buffer.put(key, json);
            return;
        }
        write(Map.of(key, json));
    }

    private long nextSequence() {
        if (next < 0) {
            TreeMap<String, String> all = new TreeMap<>(target.store().getAll(target.namespace()));
            next = all.isEmpty() ? 0 : Long.parseLong(all.lastKey()) + 1;
        }
        return next++;
    }

    private void write(Map<String, String> entries) {
        try {
            target.store().putAll(target.namespace(), entries);
        } catch (RuntimeException e) {
            next = -1;
            throw new SchemaHistoryException("cannot store the schema history in namespace '" + target.namespace() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void startBuffering() {
        if (buffer == null) {
            buffer = new LinkedHashMap<>();
        }
    }

    @Override
    public synchronized void stopBuffering() {
        Map<String, String> pending = buffer;
        buffer = null;
        if (pending != null && !pending.isEmpty()) {
            write(pending);
        }
    }

    @Override
    protected synchronized void recoverRecords(Consumer<HistoryRecord> records) {
        List<String> values = new ArrayList<>(new TreeMap<>(target.store().getAll(target.namespace())).values());
        for (String json : values) {
            try {
                records.accept(new HistoryRecord(reader.read(json)));
            } catch (IOException e) {
                throw new SchemaHistoryException("unreadable schema history record in namespace '" + target.namespace() + "': " + e.getMessage(), e);
            }
        }
    }

    /** The stored records in order (for tests). */
    void recoverRecordsForTest(Consumer<HistoryRecord> records) {
        recoverRecords(records);
    }

    @Override
    public boolean storageExists() {
        return true;
    }

    @Override
    public synchronized boolean exists() {
        return !target.store().getAll(target.namespace()).isEmpty();
    }

    @Override
    public String toString() {
        return "etl state store (" + (target == null ? "?" : target.namespace()) + ")";
    }
}
