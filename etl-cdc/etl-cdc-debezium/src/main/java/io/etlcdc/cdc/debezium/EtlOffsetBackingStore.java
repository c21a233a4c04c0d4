package io.etlcdc.cdc.debezium;

import io.etlcdc.core.annotation.Internal;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The Debezium engine's offset storage, in memory and seeded with the offset our runtime committed.
 * The durable record is the product's {@link io.etlcdc.core.spi.OffsetStore}: the engine only ever
 * flushes offsets the glue hands it after every sink acknowledged them, so what Debezium confirms to
 * the database never passes undelivered changes.
 *
 * <p>The engine instantiates this class by name; the seed is registered under the engine's unique
 * {@code name} with {@link #seed} before the engine starts, and taken in {@link #configure}.
 */
@Internal
public final class EtlOffsetBackingStore implements OffsetBackingStore {
    /** Seeds by engine name: {@code [partition, offset]}. */
    private static final Map<String, Seed> SEEDS = new ConcurrentHashMap<>();

    private final Map<ByteBuffer, ByteBuffer> data = new ConcurrentHashMap<>();

    record Seed(Map<String, Object> partition, Map<String, Object> offset) {}

    /** Registers the offset the engine named {@code engineName} starts from. */
    static void seed(String engineName, Map<String, Object> partition, Map<String, Object> offset) {
        SEEDS.put(engineName, new Seed(partition, offset));
    }

    static void forget(String engineName) {
        SEEDS.remove(engineName);
    }

    @Override
    public void configure(WorkerConfig config) {
        Object name = config.originals().get("name");
        Seed seed = name == null ? null : SEEDS.remove(name.toString());
        if (seed != null && seed.offset() != null && !seed.offset().isEmpty()) {
            JsonConverter keys = new JsonConverter();
            keys.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), true);
            JsonConverter values = new JsonConverter();
            values.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
            String ns = name.toString();
            byte[] key = keys.fromConnectData(ns, null, List.of(ns, seed.partition()));
            byte[] value = values.fromConnectData(ns, null, new HashMap<>(seed.offset()));
            data.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
        for (ByteBuffer k : keys) {
            ByteBuffer v = data.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        values.forEach((k, v) -> {
            if (v == null) {
                data.remove(k);
            } else {
                data.put(k, v);
            }
        });
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
