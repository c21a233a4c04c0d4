package io.etlcdc.lineage.openlineage;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.lineage.LineageGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a pipeline's life into OpenLineage runs: START when it starts running, COMPLETE when it
 * stops, FAIL (with the reason) when it fails; one run id per start. Register with
 * {@code Pipeline.builder().listener(...)}. Emission failures are logged, never thrown into the
 * pipeline.
 */
public final class OpenLineageRunListener implements PipelineListener {
    private static final Logger LOG = LoggerFactory.getLogger(OpenLineageRunListener.class);

    private final OpenLineageEmitter emitter;
    private final String jobName;
    private final Supplier<LineageGraph> graph;
    private volatile UUID runId;

    /**
     * @param jobName the OpenLineage job name (the pipeline's name)
     * @param graph   the lineage graph at the time of each event (e.g. {@code service::graph})
     */
    public OpenLineageRunListener(OpenLineageEmitter emitter, String jobName, Supplier<LineageGraph> graph) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.jobName = Objects.requireNonNull(jobName, "jobName");
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    /** The id of the current (or last) run, null before the first start. */
    public UUID runId() {
        return runId;
    }

    @Override
    public void onStateChanged(PipelineState from, PipelineState to, String reason) {
        try {
            switch (to) {
                case RUNNING -> {
                    runId = UUID.randomUUID();
                    emitter.start(runId, jobName, graph.get());
                }
                case STOPPED -> {
                    if (runId != null) {
                        emitter.complete(runId, jobName, graph.get());
                    }
                }
                case FAILED -> {
                    if (runId != null) {
                        emitter.fail(runId, jobName, graph.get(), reason);
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not emit the OpenLineage event for {} -> {}: {}", from, to, Secrets.maskText(e.toString()));
        }
    }
}
