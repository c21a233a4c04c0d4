package io.etlcdc.sink.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.json.EtlJson;

import java.time.Clock;

/**
 * Turns a {@link ChangeEvent} into the message key and value Debezium's JSON converter (with
 * {@code schemas.enable=false}) produces, so existing Debezium consumers read them:
 * <pre>{@code
 * key:   {"id": 1}
 * value: {"before": {...} | null, "after": {...} | null,
 *         "source": {"version", "connector", "name", "ts_ms", "snapshot", "db", "table", "collection", "sequence"},
 *         "op": "c" | "r" | "u" | "d" | "t", "ts_ms": 1732531200000}
 * }</pre>
 * A DDL event has {@code "op": "ddl"} and the statement in {@code "ddl"}; an UPDATE whose source did
 * not deliver some unchanged columns (PostgreSQL TOAST) lists them in {@code "unchanged_fields"}.
 * Values are written as {@link EtlJson} does: ISO-8601 dates and times, exact decimals, base64 bytes.
 * Thread-safe.
 */
public final class DebeziumEnvelope {
    /** What {@code source.version} and {@code source.connector} say. */
    public static final String CONNECTOR = "etl-cdc";

    private final ObjectMapper mapper = EtlJson.mapper();
    private final Clock clock;

    public DebeziumEnvelope(Clock clock) {
        this.clock = clock;
    }

    /** The key as JSON bytes, or null when the event has no key (TRUNCATE, DDL, tables without one). */
    public byte[] key(ChangeEvent e) {
        if (e.key() == null || e.key().isEmpty()) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(e.key());
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("key of " + e.collection() + " at " + e.position() + " is not JSON-serializable: "
                    + ex.getOriginalMessage(), ex);
        }
    }

    /** The envelope as JSON bytes. */
    public byte[] value(ChangeEvent e) {
        ObjectNode root = mapper.createObjectNode();
        root.set("before", e.before() == null ? root.nullNode() : mapper.valueToTree(e.before()));
        root.set("after", e.after() == null ? root.nullNode() : mapper.valueToTree(e.after()));
        ObjectNode source = root.putObject("source");
        source.put("version", CONNECTOR);
        source.put("connector", CONNECTOR);
        source.put("name", e.sourceId());
        source.put("ts_ms", e.sourceTimestamp().toEpochMilli());
        source.put("snapshot", String.valueOf(e.snapshot()));
        int dot = e.collection().lastIndexOf('.');
        source.put("db", dot < 0 ? "" : e.collection().substring(0, dot));
        source.put("table", e.table());
        source.put("collection", e.collection());
        source.put("sequence", e.position().display());
        root.put("op", e.operation().debeziumCode(e.snapshot()));
        root.put("ts_ms", clock.millis());
        if (e.operation() == Operation.DDL) {
            root.put("ddl", e.ddl());
        }
        if (!e.unchangedFields().isEmpty()) {
            e.unchangedFields().stream().sorted().forEach(root.putArray("unchanged_fields")::add);
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("event " + e.collection() + " at " + e.position() + " is not JSON-serializable: "
                    + ex.getOriginalMessage(), ex);
        }
    }
}
