package io.etlcdc.transform;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.TransformCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records every outcome a transform reports. */
final class RecordingCollector implements TransformCollector {
    final List<ChangeEvent> emitted = new ArrayList<>();
    final List<String> filtered = new ArrayList<>();
    final List<String> deadLetters = new ArrayList<>();
    final List<Map<String, Object>> deadLetterDetails = new ArrayList<>();

    @Override public void emit(ChangeEvent event) { emitted.add(event); }
    @Override public void filter(ChangeEvent event, String ruleId) { filtered.add(ruleId); }
    @Override public void drop(ChangeEvent event, String ruleId, String reason) { filtered.add(ruleId); }
    @Override public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
        deadLetters.add(ruleId + ": " + reason);
        deadLetterDetails.add(details);
    }
    @Override public void failSource(String sourceId, String reason) { throw new AssertionError(reason); }
    @Override public void failPipeline(String reason) { throw new AssertionError(reason); }
}
