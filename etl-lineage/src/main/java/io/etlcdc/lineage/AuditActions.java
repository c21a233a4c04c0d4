package io.etlcdc.lineage;

/**
 * The action names of audit entries, shared by the server and the pipeline listener so that
 * queries such as {@code action=source.*} find them.
 */
public final class AuditActions {
    private AuditActions() {}

    public static final String PIPELINE_START = "pipeline.start";
    public static final String PIPELINE_STOP = "pipeline.stop";
    public static final String PIPELINE_FAIL = "pipeline.fail";
    public static final String SOURCE_CONNECT = "source.connect";
    public static final String SOURCE_START = "source.start";
    public static final String SOURCE_STOP = "source.stop";
    public static final String SOURCE_FAIL = "source.fail";
    public static final String RULE_ADD = "rule.add";
    public static final String RULE_REMOVE = "rule.remove";
    public static final String SCHEMA_REGISTER = "schema.register";
    public static final String QUALITY_RULE_ADD = "quality.rule.add";
    public static final String SINK_CONNECT = "sink.connect";
    /** The actor of entries no user caused. */
    public static final String SYSTEM = "system";
}
