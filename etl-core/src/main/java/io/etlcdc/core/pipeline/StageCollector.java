package io.etlcdc.core.pipeline;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.TransformCollector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects one stage's outcomes for one batch. */
@Internal
final class StageCollector implements TransformCollector {
    final String stage;
    final Clock clock;
    final List<ChangeEvent> out;
    final List<DeadLetter> deadLetters = new ArrayList<>(0);
    /** Events that did not go on, per rule id, for lineage failure counts. */
    final Map<String, Integer> failuresByRule = new LinkedHashMap<>(0);
    final Map<String, String> failedSources = new LinkedHashMap<>(0);
    int filtered;
    int dropped;
    String pipelineFailure;

    StageCollector(String stage, Clock clock, int expected) {
        this.stage = stage;
        this.clock = clock;
        this.out = new ArrayList<>(expected);
    }

    @Override
    public void emit(ChangeEvent event) {
        out.add(event);
    }

    @Override
    public void filter(ChangeEvent event, String ruleId) {
        filtered++;
    }

    @Override
    public void drop(ChangeEvent event, String ruleId, String reason) {
        dropped++;
        failuresByRule.merge(ruleId, 1, Integer::sum);
    }

    @Override
    public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
        deadLetters.add(new DeadLetter(event, stage, ruleId, reason, clock.instant(), details));
        failuresByRule.merge(ruleId, 1, Integer::sum);
    }

    @Override
    public void failSource(String sourceId, String reason) {
        failedSources.putIfAbsent(sourceId, reason);
    }

    @Override
    public void failPipeline(String reason) {
        if (pipelineFailure == null) {
            pipelineFailure = reason;
        }
    }

    /** Adds another collector's outcomes (used when a batch is re-run event by event). */
    void mergeFrom(StageCollector other) {
        out.addAll(other.out);
        deadLetters.addAll(other.deadLetters);
        other.failuresByRule.forEach((k, v) -> failuresByRule.merge(k, v, Integer::sum));
        other.failedSources.forEach(failedSources::putIfAbsent);
        filtered += other.filtered;
        dropped += other.dropped;
        if (pipelineFailure == null) {
            pipelineFailure = other.pipelineFailure;
        }
    }
}
