package io.etlcdc.quality.support;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.TransformCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records every outcome a transform reports. */
public final class RecordingCollector implements TransformCollector {
    public record Dropped(ChangeEvent event, String ruleId, String reason) {}

    public record DeadLettered(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {}

    public final List<ChangeEvent> emitted = new ArrayList<>();
    public final List<ChangeEvent> filtered = new ArrayList<>();
    public final List<Dropped> dropped = new ArrayList<>();
    public final List<DeadLettered> deadLettered = new ArrayList<>();
    public final List<String> pipelineFailures = new ArrayList<>();

    @Override
    public void emit(ChangeEvent event) {
        emitted.add(event);
    }

    @Override
    public void filter(ChangeEvent event, String ruleId) {
        filtered.add(event);
    }

    @Override
    public void drop(ChangeEvent event, String ruleId, String reason) {
        dropped.add(new Dropped(event, ruleId, reason));
    }

    @Override
    public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
        deadLettered.add(new DeadLettered(event, ruleId, reason, details));
    }

    @Override
    public void failSource(String sourceId, String reason) {
        throw new AssertionError("the quality gate never fails a single source");
    }

    @Override
    public void failPipeline(String reason) {
        pipelineFailures.add(reason);
    }

    /** Outcomes reported in total. */
    public int outcomes() {
        return emitted.size() + filtered.size() + dropped.size() + deadLettered.size();
    }
}
