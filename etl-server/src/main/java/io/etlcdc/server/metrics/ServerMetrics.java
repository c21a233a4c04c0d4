package io.etlcdc.server.metrics;

import io.etlcdc.core.metrics.MetricsSnapshot;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.server.runtime.PipelineManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics: pipeline throughput and outcomes, buffer fill, per-source lag and counts,
 * per-sink writes, and the JVM. Pipeline figures are read from the live pipeline at scrape time;
 * labels carry ids only, never connection strings.
 */
public final class ServerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipelineManager manager;
    private final Set<String> sourceIds = new HashSet<>();
    private final Set<String> sinkIds = new HashSet<>();
    private JvmGcMetrics gc;

    private final io.etlcdc.server.runtime.RuleSets rules;
    private final Set<String> ruleIds = new HashSet<>();
    private final Set<String> qualityAssets = new HashSet<>();

    public ServerMetrics(PipelineManager manager, io.etlcdc.server.runtime.RuleSets rules) {
        this.manager = manager;
        this.rules = rules;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        counter("etl_events_received", "events accepted from sources after dedup", MetricsSnapshot::received);
        counter("etl_events_delivered", "events written to the sinks", MetricsSnapshot::delivered);
        counter("etl_duplicates_dropped", "re-delivered events dropped by dedup", MetricsSnapshot::duplicates);
        counter("etl_events_filtered", "events a filter rule did not keep", MetricsSnapshot::filtered);
        counter("etl_events_dropped", "events a quality rule dropped", MetricsSnapshot::dropped);
        counter("etl_dead_letters", "events sent to the dead-letter sink", MetricsSnapshot::deadLettered);
        counter("etl_batches_committed", "batches whose positions were committed", MetricsSnapshot::batches);
        gauge("etl_events_per_second", "events processed per second over the last ten seconds", s -> s.metrics().eventsPerSecond());
        gauge("etl_buffer_used_events", "events buffered or in flight", s -> s.bufferUsed());
        gauge("etl_buffer_capacity_events", "bound of the buffer (BUFFER_SIZE)", s -> s.bufferCapacity());
        gauge("etl_pipeline_running", "1 when the pipeline is running", s -> s.state().name().equals("RUNNING") ? 1 : 0);
    }

    private static double stat(io.etlcdc.server.runtime.RuleSets r, String id, int which) {
        var s = r.engine().stats().get(id);
        if (s == null) {
            return 0;
        }
        return which == 0 ? s.applied() : which == 1 ? s.filtered() : s.failed();
    }

    /** Extra meters registered by modules (rule and quality metrics). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void counter(String name, String help, ToDoubleFunction<MetricsSnapshot> f) {
        FunctionCounter.builder(name, this, m -> m.snapshot().map(s -> f.applyAsDouble(s.metrics())).orElse(0.0))
                .description(help).register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<PipelineStatus> f) {
        Gauge.builder(name, this, m -> m.snapshot().map(f::applyAsDouble).orElse(0.0)).description(help).register(registry);
    }

    private Optional<PipelineStatus> snapshot() {
        return manager.status();
    }

    /** Registers meters for sources and sinks seen since the last scrape, then renders the text format. */
    public synchronized String scrape() {
        rules.engine().stats().keySet().forEach(id -> {
            if (ruleIds.add(id)) {
                FunctionCounter.builder("etl_rule_applied", rules, r -> stat(r, id, 0)).description("records the rule ran on")
                        .tag("rule", id).register(registry);
                FunctionCounter.builder("etl_rule_failed", rules, r -> stat(r, id, 2)).description("records the rule failed on")
                        .tag("rule", id).register(registry);
                FunctionCounter.builder("etl_rule_filtered", rules, r -> stat(r, id, 1)).description("records the filter rule did not keep")
                        .tag("rule", id).register(registry);
            }
        });
        rules.gate().metrics().assets().keySet().forEach(asset -> {
            if (qualityAssets.add(asset)) {
                Gauge.builder("etl_quality_score", rules, r -> {
                            var s = r.gate().metrics().assets().get(asset);
                            return s == null ? Double.NaN : s.total().score();
                        }).description("share of checked records of the asset that passed every quality rule")
                        .tag("asset", asset).register(registry);
            }
        });
        manager.status().ifPresent(s -> {
            s.sources().forEach(src -> {
                if (sourceIds.add(src.id())) {
                    String id = src.id();
                    Function<PipelineStatus, Optional<PipelineStatus.SourceStatus>> find =
                            st -> st.sources().stream().filter(x -> x.id().equals(id)).findFirst();
                    Gauge.builder("etl_source_lag_ms", this, m -> m.snapshot().flatMap(find).map(x -> (double) x.lagMillis()).orElse(-1.0))
                            .description("lag of the last committed batch: source commit to sink acknowledgement")
                            .tag("source", id).register(registry);
                    Gauge.builder("etl_source_up", this, m -> m.snapshot().flatMap(find)
                                    .map(x -> x.state().name().equals("RUNNING") ? 1.0 : 0.0).orElse(0.0))
                            .description("1 when the source is capturing").tag("source", id).register(registry);
                    FunctionCounter.builder("etl_source_events_committed", this, m -> m.snapshot()
                                    .map(st -> st.metrics().sources().get(id)).map(f -> (double) f.committed()).orElse(0.0))
                            .description("events of the source committed").tag("source", id).register(registry);
                }
            });
            s.sinks().forEach(sink -> {
                if (sinkIds.add(sink.id())) {
                    String id = sink.id();
                    FunctionCounter.builder("etl_sink_events_written", this, m -> m.snapshot()
                                    .map(st -> st.metrics().sinks().get(id)).map(f -> (double) f.written()).orElse(0.0))
                            .description("events written by the sink").tag("sink", id).register(registry);
                    FunctionCounter.builder("etl_sink_retries", this, m -> m.snapshot()
                                    .map(st -> st.metrics().sinks().get(id)).map(f -> (double) f.retries()).orElse(0.0))
                            .description("sink write retries").tag("sink", id).register(registry);
                }
            });
        });
        return registry.scrape();
    }
}
