package io.etlcdc.core.pipeline;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.spi.DeadLetterSink;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.Transform;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link Pipeline}. Stages run in a fixed order whatever the call order: the schema
 * tracker, then transforms in the order added, then the quality gate.
 */
public final class PipelineBuilder {
    /** Default bound of the buffer, in events ({@code BUFFER_SIZE}). */
    public static final int DEFAULT_BUFFER_SIZE = 10_000;
    /** Default largest batch handed to stages and sinks. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 2_000;

    static final String SCHEMA_STAGE = "schema";
    static final String TRANSFORM_STAGE = "transform";
    static final String QUALITY_STAGE = "quality";

    String name = "pipeline";
    final Map<String, Source> sources = new LinkedHashMap<>();
    private Transform schemaTracker;
    private final List<Transform> transforms = new ArrayList<>();
    private Transform quality;
    final List<Pipeline.SinkEntry> sinks = new ArrayList<>();
    OffsetStore offsetStore;
    DeadLetterSink deadLetterSink;
    LineageStore lineageStore;
    PipelineListener listener = PipelineListener.NONE;
    RetryPolicy retryPolicy = RetryPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(30));
    Clock clock = Clock.systemUTC();
    int bufferSize = DEFAULT_BUFFER_SIZE;
    int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    Duration stopTimeout = Duration.ofSeconds(30);

    PipelineBuilder() {}

    public PipelineBuilder name(String value) {
        this.name = Objects.requireNonNull(value, "name");
        return this;
    }

    /** Adds a source under a unique id. */
    public PipelineBuilder source(String id, Source source) {
        Objects.requireNonNull(source, "source");
        if (sources.putIfAbsent(Objects.requireNonNull(id, "id"), source) != null) {
            throw new IllegalArgumentException("duplicate source id '" + id + "'");
        }
        return this;
    }

    /** Adds a transform stage; transforms run in the order added. */
    public PipelineBuilder transform(Transform transform) {
        transforms.add(Objects.requireNonNull(transform, "transform"));
        return this;
    }

    /** Sets the quality gate, which runs after every transform. */
    public PipelineBuilder quality(Transform gate) {
        this.quality = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** Sets the schema tracker, which runs before every transform. */
    public PipelineBuilder schemaTracker(Transform tracker) {
        this.schemaTracker = Objects.requireNonNull(tracker, "tracker");
        return this;
    }

    /** Adds a sink under a unique id; its lineage assets are tables. */
    public PipelineBuilder sink(String id, Sink sink) {
        return sink(id, sink, AssetKind.SINK_TABLE);
    }

    /** Adds a sink under a unique id, naming the kind of asset it writes (table, topic, file). */
    public PipelineBuilder sink(String id, Sink sink, AssetKind assetKind) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sink, "sink");
        if (sinks.stream().anyMatch(s -> s.id().equals(id))) {
            throw new IllegalArgumentException("duplicate sink id '" + id + "'");
        }
        sinks.add(new Pipeline.SinkEntry(id, sink, Objects.requireNonNull(assetKind, "assetKind")));
        return this;
    }

    /** Where committed positions are kept; default in memory (lost on restart). */
    public PipelineBuilder offsetStore(OffsetStore store) {
        this.offsetStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /** Where records no stage could process go; default: logged only. */
    public PipelineBuilder deadLetterSink(DeadLetterSink sink) {
        this.deadLetterSink = sink;
        return this;
    }

    /** Where lineage is recorded (once per batch); default: not recorded. */
    public PipelineBuilder lineageStore(LineageStore store) {
        this.lineageStore = store;
        return this;
    }

    public PipelineBuilder listener(PipelineListener value) {
        this.listener = Objects.requireNonNull(value, "listener");
        return this;
    }

    /** How failed sink writes are retried; default: transient errors forever, 200 ms doubling to 30 s. */
    public PipelineBuilder retryPolicy(RetryPolicy value) {
        this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
        return this;
    }

    public PipelineBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /** The bound on buffered and in-flight events ({@code BUFFER_SIZE}); default 10000. */
    public PipelineBuilder bufferSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, got " + value);
        }
        this.bufferSize = value;
        return this;
    }

    /** The largest batch given to stages and sinks; default 2000. */
    public PipelineBuilder maxBatchSize(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + value);
        }
        this.maxBatchSize = value;
        return this;
    }

    /** How long {@link Pipeline#stop()} waits for sources and in-flight batches; default 30 s. */
    public PipelineBuilder stopTimeout(Duration value) {
        this.stopTimeout = Objects.requireNonNull(value, "stopTimeout");
        return this;
    }

    List<Pipeline.Stage> stages() {
        List<Pipeline.Stage> stages = new ArrayList<>();
        if (schemaTracker != null) {
            stages.add(new Pipeline.Stage(SCHEMA_STAGE, schemaTracker));
        }
        transforms.forEach(t -> stages.add(new Pipeline.Stage(TRANSFORM_STAGE, t)));
        if (quality != null) {
            stages.add(new Pipeline.Stage(QUALITY_STAGE, quality));
        }
        return stages;
    }

    public Pipeline build() {
        if (offsetStore == null) {
            offsetStore = new MemoryOffsetStore();
        }
        return new Pipeline(this);
    }
}
