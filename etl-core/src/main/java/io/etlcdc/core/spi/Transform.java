package io.etlcdc.core.spi;

import io.etlcdc.core.event.ChangeEvent;

import java.util.List;

/**
 * One stage of per-batch processing between the sources and the sinks: the rule engine, the quality
 * gate, the schema tracker, or a user's own rule type.
 *
 * <p><b>Contract.</b> {@link #apply} receives a batch in source order and reports, for every event,
 * exactly one outcome to the collector: emitted (possibly as a new event), filtered, dropped or
 * dead-lettered. It must not reorder events of one source. Events are immutable; derive new ones
 * with their {@code with...} methods. Called from one pipeline thread at a time; implementations
 * that keep state across batches must make it survive a restart (see {@link StateStore}) when the
 * output depends on it. If {@code apply} throws, the runtime re-runs the batch one event at a time
 * and dead-letters the events that throw.
 */
public interface Transform extends AutoCloseable {

    /** A stable id, used in dead letters, metrics and lineage. */
    String id();

    /** Processes one batch; see the class contract. */
    void apply(List<ChangeEvent> batch, TransformCollector out) throws Exception;

    /**
     * The rules this stage applies, for lineage (which tables each rule touches, and which columns it
     * reads and writes). Default: one opaque rule named by {@link #id()} applying to everything.
     */
    default List<RuleDescriptor> rules() {
        return List.of(RuleDescriptor.opaque(id()));
    }

    @Override
    default void close() throws Exception {
    }
}
