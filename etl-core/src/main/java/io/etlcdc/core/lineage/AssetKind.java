package io.etlcdc.core.lineage;

/** What an asset in the lineage graph is; DOT output draws each kind with its own shape. */
public enum AssetKind {
    SOURCE_TABLE,
    RULE,
    QUALITY_GATE,
    SINK_TABLE,
    TOPIC,
    FILE,
    DEAD_LETTER,
    OTHER
}
