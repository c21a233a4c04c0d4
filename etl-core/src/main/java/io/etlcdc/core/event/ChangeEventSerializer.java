package io.etlcdc.core.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.etlcdc.core.json.IsoInstant;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The JSON of a {@link ChangeEvent}, written field by field: the same text Jackson's bean serializer
 * writes from the record's annotations (property names and order, nulls left out, empty
 * {@code unchanged_fields} left out, the position's sort key only), without its per-field reflection
 * and per-value serializer lookups. Every event a file, Kafka or dead-letter sink writes goes through
 * here, so this is the hot path of a sink.
 *
 * <p>Row values of the common types (text, whole and decimal numbers, booleans, instants, nested maps
 * and lists) are written directly; any other value goes to the mapper's own serializer for its type,
 * so the mapper's configuration still decides how it looks. {@code ChangeEventSerializerTest} checks
 * the output against the bean serializer's, value type by value type.
 */
public final class ChangeEventSerializer extends StdSerializer<ChangeEvent> {
    private static final Position.SortKeyOnly POSITION = new Position.SortKeyOnly();
    /** One instance serves every mapper and thread: it keeps no state. */
    public static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();
    /** Room for one instant's text per thread (an allocation per instant otherwise). */
    private static final ThreadLocal<char[]> INSTANT_TEXT = ThreadLocal.withInitial(() -> new char[IsoInstant.MAX_CHARS]);

    public ChangeEventSerializer() {
        super(ChangeEvent.class);
    }

    @Override
    public void serialize(ChangeEvent e, JsonGenerator g, SerializerProvider provider) throws IOException {
        g.writeStartObject(e);
        g.writeStringField("source_id", e.sourceId());
        g.writeStringField("collection", e.collection());
        g.writeFieldName("op");
        if (provider.isEnabled(SerializationFeature.WRITE_ENUMS_USING_INDEX)) {
            provider.defaultSerializeValue(e.operation(), g);
        } else {
            g.writeString(e.operation().name());
        }
        g.writeBooleanField("snapshot", e.snapshot());
        row(g, provider, "key", e.key());
        row(g, provider, "before", e.before());
        row(g, provider, "after", e.after());
        if (!e.unchangedFields().isEmpty()) {
            g.writeArrayFieldStart("unchanged_fields");
            for (String f : e.unchangedFields()) {
                g.writeString(f);
            }
            g.writeEndArray();
        }
        if (e.ddl() != null) {
            g.writeStringField("ddl", e.ddl());
        }
        g.writeFieldName("source_ts");
        value(g, provider, e.sourceTimestamp());
        g.writeFieldName("position");
        POSITION.serialize(e.position(), g, provider);
        if (e.schemaRef() != null) {
            g.writeFieldName("schema_ref");
            provider.defaultSerializeValue(e.schemaRef(), g);
        }
        g.writeEndObject();
    }

    private static void row(JsonGenerator g, SerializerProvider provider, String name, Map<String, Object> row) throws IOException {
        if (row != null) {
            g.writeFieldName(name);
            map(g, provider, row);
        }
    }

    private static void map(JsonGenerator g, SerializerProvider provider, Map<?, ?> map) throws IOException {
        g.writeStartObject(map);
        // forEach, not entrySet(): a read-only map's entry iterator wraps every entry in a new object
        Entries entries = new Entries(g, provider);
        map.forEach(entries);
        if (entries.failure != null) {
            throw entries.failure;
        }
        g.writeEndObject();
    }

    /** Writes a map's entries as fields; keeps the first write failure for {@link #map} to throw. */
    private static final class Entries implements BiConsumer<Object, Object> {
        private final JsonGenerator g;
        private final SerializerProvider provider;
        private IOException failure;

        Entries(JsonGenerator g, SerializerProvider provider) {
            this.g = g;
            this.provider = provider;
        }

        @Override
        public void accept(Object key, Object value) {
            if (failure != null) {
                return;
            }
            try {
                if (key instanceof String name) {
                    g.writeFieldName(name);
                    value(g, provider, value);
                } else {
                    // keys other than text: the mapper's own key serializers decide
                    provider.defaultSerializeField(String.valueOf(key), value, g);
                }
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    private static void value(JsonGenerator g, SerializerProvider provider, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Instant t && !provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
            char[] buf = INSTANT_TEXT.get();
            int n = IsoInstant.format(t, buf);
            if (n < 0) {
                provider.defaultSerializeValue(t, g);
            } else {
                g.writeString(buf, 0, n);
            }
        } else if (v instanceof Map<?, ?> m) {
            map(g, provider, m);
        } else if (v instanceof List<?> list) {
            g.writeStartArray(list, list.size());
            for (Object item : list) {
                value(g, provider, item);
            }
            g.writeEndArray();
        } else {
            provider.defaultSerializeValue(v, g);
        }
    }
}
