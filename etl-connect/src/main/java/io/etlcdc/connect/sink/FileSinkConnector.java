package io.etlcdc.connect.sink;

/**
 * The product's {@code file} sink as a Connect sink connector: JSON lines, one {@code ChangeEvent} per
 * line, fsynced per batch. Each topic partition has its own file beside the configured path
 * ({@code events.jsonl} becomes {@code events-<topic>-<partition>.jsonl}): the file remembers the
 * highest Kafka offset it holds, so a partition that moves to another task (on a shared volume) skips
 * what is already there, and every record is in its file exactly once.
 *
 * <pre>
 * connector.class=io.etlcdc.connect.sink.FileSinkConnector
 * topics=postgres_main.public.users
 * sink.id=archive
 * sink.config={"path": "/data/out/events.jsonl"}
 * </pre>
 */
public final class FileSinkConnector extends EtlSinkConnector {
    @Override
    protected String sinkType() {
        return "file";
    }

    @Override
    protected String partitionedOption() {
        return "path";
    }
}
