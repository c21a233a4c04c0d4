package io.etlcdc.benchmarks.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ChangeEventSerializer;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Change events to JSON lines, one event per operation, as the file sink writes them: the product's
 * {@code ChangeEventSerializer} (field by field) against Jackson's bean serializer driven by the same
 * record annotations (what the file sink used before), into one reused generator. The events are the
 * spec pipeline's output rows (the e2e table's columns plus {@code masked_email}, the {@code masked_data}
 * object and {@code total}), two instants each.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EventJson -prof gc -i 10}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventJsonBenchmark {
    private static final int EVENTS = 1024;

    /** Turns the custom serializer off: the bean serializer over the record's annotations. */
    @JsonSerialize(using = JsonSerializer.None.class)
    private abstract static class BeanShape { }

    private ChangeEvent[] events;
    private ObjectWriter fast;
    private ObjectWriter bean;
    private ByteArrayOutputStream out;
    private JsonGenerator fastGenerator;
    private JsonGenerator beanGenerator;
    private int next;
    private com.fasterxml.jackson.databind.SerializerProvider provider;

    @Setup
    public void setup() throws IOException {
        events = new ChangeEvent[EVENTS];
        Instant created = Instant.parse("2026-12-07T20:56:23.589149Z");
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", (long) i);
            row.put("email", "user" + i + ".name@example" + (i % 7) + ".com");
            row.put("phone", "555-010-" + String.format("%04d", i % 10000));
            row.put("price", new BigDecimal((10 + i % 90) + ".99"));
            row.put("tax", new BigDecimal("1." + (i % 10) + "0"));
            row.put("status", "active");
            row.put("created_at", created.plusNanos(i * 1000L));
            row.put("masked_email", "use***@example" + (i % 7) + ".com");
            row.put("masked_data", Map.of("email", "***@example" + (i % 7) + ".com", "phone", "***-***-" + String.format("%04d", i % 10000)));
            row.put("total", new BigDecimal((11 + i % 90) + ".09"));
            events[i] = ChangeEvent.builder("pg", "public.bench_rows", io.etlcdc.core.event.Operation.INSERT)
                    .key(Map.of("id", (long) i)).after(row).sourceTimestamp(created.plusMillis(i))
                    .position(Position.of(0L, 1L, 24_182_072L + i, (long) i)).build();
        }
        ObjectMapper mapper = EtlJson.mapper();
        fast = mapper.writerFor(ChangeEvent.class).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        bean = mapper.copy().addMixIn(ChangeEvent.class, BeanShape.class).writerFor(ChangeEvent.class)
                .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        out = new ByteArrayOutputStream(1 << 20);
        fastGenerator = mapper.getFactory().createGenerator(out);
        fastGenerator.setRootValueSeparator(null);
        beanGenerator = mapper.getFactory().createGenerator(out);
        beanGenerator.setRootValueSeparator(null);
        provider = mapper.getSerializerProviderInstance();
        if (!json(fast, fastGenerator).equals(json(bean, beanGenerator))) {
            throw new IllegalStateException("the two serializers disagree");
        }
    }

    private String json(ObjectWriter w, JsonGenerator g) throws IOException {
        out.reset();
        w.writeValue(g, events[0]);
        g.flush();
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private int write(ObjectWriter w, JsonGenerator g) throws IOException {
        ChangeEvent e = events[next++ & (EVENTS - 1)];
        w.writeValue(g, e);
        g.writeRaw('\n');
        if (out.size() > (1 << 20)) {
            g.flush();
            out.reset();
        }
        return out.size();
    }

    /**
     * As the file sink writes: the product's serializer called directly, with one serializer context per
     * batch (here per 1,024 events) instead of one per event.
     */
    @Benchmark
    public int changeEventSerializerAsTheFileSink() throws IOException {
        if ((next & (EVENTS - 1)) == 0) {
            provider = EtlJson.mapper().getSerializerProviderInstance();
        }
        ChangeEvent e = events[next++ & (EVENTS - 1)];
        ChangeEventSerializer.INSTANCE.serialize(e, fastGenerator, provider);
        fastGenerator.writeRaw('\n');
        if (out.size() > (1 << 20)) {
            fastGenerator.flush();
            out.reset();
        }
        return out.size();
    }

    /** The product's serializer through an ObjectWriter, one call per event (as the API and Kafka sink use it). */
    @Benchmark
    public int changeEventSerializer() throws IOException {
        return write(fast, fastGenerator);
    }

    /** Jackson's bean serializer over the same annotations (what the file sink wrote with before). */
    @Benchmark
    public int beanSerializer() throws IOException {
        return write(bean, beanGenerator);
    }
}
