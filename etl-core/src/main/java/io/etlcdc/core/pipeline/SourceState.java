package io.etlcdc.core.pipeline;

/** The life of one source inside a pipeline. */
public enum SourceState {
    STARTING,
    RUNNING,
    STOPPED,
    /** Capture failed; the error says why and what to do. */
    FAILED
}
