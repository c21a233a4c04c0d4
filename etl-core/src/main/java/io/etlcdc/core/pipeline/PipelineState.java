package io.etlcdc.core.pipeline;

/** The life of a pipeline: CREATED, then RUNNING, then STOPPING and STOPPED, or FAILED. */
public enum PipelineState {
    CREATED,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED;

    public boolean isTerminal() {
        return this == STOPPED || this == FAILED;
    }
}
