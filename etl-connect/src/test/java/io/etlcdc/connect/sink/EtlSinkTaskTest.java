package io.etlcdc.connect.sink;

import io.etlcdc.connect.Fixtures;
import io.etlcdc.connect.quality.QualityCheckException;
import io.etlcdc.connect.quality.QualityHeaders;
import io.etlcdc.core.json.EtlJson;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink task with the file sink: what it writes, which offsets it lets Connect commit, what it dead-letters. */
class EtlSinkTaskTest {
    static final TopicPartition P0 = new TopicPartition("pg.public.users", 0);

    @TempDir
    Path dir;

    /** A task context whose errant-record reporter records what it is given. */
    static final class Context implements SinkTaskContext {
        final List<SinkRecord> reported = new ArrayList<>();
        final List<Throwable> reasons = new ArrayList<>();

        @Override public Map<String, String> configs() { return Map.of(); }
        @Override public void offset(Map<TopicPartition, Long> offsets) { }
        @Override public void offset(TopicPartition tp, long offset) { }
        @Override public void timeout(long timeoutMs) { }
        @Override public Set<TopicPartition> assignment() { return Set.of(P0); }
        @Override public void pause(TopicPartition... partitions) { }
        @Override public void resume(TopicPartition... partitions) { }
        @Override public void requestCommit() { }
        @Override public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() { return null; }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                reported.add(record);
                reasons.add(error);
                return CompletableFuture.completedFuture(null);
            };
        }
    }

    private EtlSinkTask start(Context context, int batch) {
        FileSinkConnector connector = new FileSinkConnector();
        Map<String, String> props = new HashMap<>();
        props.put("name", "etl-sink-archive");
        props.put("sink.id", "archive");
        props.put("batch.size", String.valueOf(batch));
        props.put("sink.config", "{\"path\": \"" + dir.resolve("events.jsonl").toString().replace("\\", "\\\\") + "\"}");
        connector.start(props);
        EtlSinkTask task = new EtlSinkTask();
        task.initialize(context);
        task.start(connector.taskConfigs(1).get(0));
        return task;
    }

    private List<String> lines() throws Exception {
        Path f = dir.resolve("events-pg.public.users-0.jsonl");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void offsetsAreHandedToConnectOnlyForRecordsTheSinkMadeDurable() throws Exception {
        Context ctx = new Context();
        EtlSinkTask task = start(ctx, 1000);
        task.put(List.of(Fixtures.record(0, 0, "c", null, Fixtures.row(1, "a@b.com")),
                Fixtures.record(0, 1, "c", null, Fixtures.row(2, "c@d.com"))));
        assertThat(lines()).as("below batch.size nothing is written by put").isEmpty();
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(P0, new OffsetAndMetadata(2)));
        assertThat(lines()).hasSize(2);
        assertThat(committed).isEqualTo(Map.of(P0, new OffsetAndMetadata(2)));
        assertThat(EtlJson.mapper().readTree(lines().get(0)).path("after").path("email").asText()).isEqualTo("a@b.com");
        task.stop();
    }

    @Test
    void aReplayAfterARebalanceWritesNothingTwice() throws Exception {
        Context ctx = new Context();
        EtlSinkTask first = start(ctx, 1);
        first.put(List.of(Fixtures.record(0, 0, "c", null, Fixtures.row(1, "a@b.com")),
                Fixtures.record(0, 1, "c", null, Fixtures.row(2, "c@d.com"))));
        first.close(List.of(P0));
        first.stop();
        // the offsets were never committed: the partition's next owner reads both records again, and one more
        EtlSinkTask second = start(ctx, 1);
        second.put(List.of(Fixtures.record(0, 0, "c", null, Fixtures.row(1, "a@b.com")),
                Fixtures.record(0, 1, "c", null, Fixtures.row(2, "c@d.com")),
                Fixtures.record(0, 2, "c", null, Fixtures.row(3, "e@f.com"))));
        assertThat(second.preCommit(Map.of(P0, new OffsetAndMetadata(3)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(3)));
        assertThat(lines()).hasSize(3);
        second.stop();
    }

    @Test
    void aRecordTheQualityGateMarkedGoesToTheDeadLetterQueueAndIsNotWritten() throws Exception {
        Context ctx = new Context();
        EtlSinkTask task = start(ctx, 1000);
        SinkRecord bad = Fixtures.record(0, 0, "c", null, Fixtures.row(1, "x@localhost"));
        bad.headers().addString(QualityHeaders.OUTCOME, QualityHeaders.DEAD_LETTER);
        bad.headers().addString(QualityHeaders.RULE_ID, "email_format");
        bad.headers().addString(QualityHeaders.FAILED_CHECKS, "{\"rule_id\":\"email_format\"}");
        task.put(List.of(bad, Fixtures.record(0, 1, "c", null, Fixtures.row(2, "c@d.com"))));
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(2)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(2)));
        assertThat(lines()).hasSize(1);
        assertThat(ctx.reported).containsExactly(bad);
        assertThat(ctx.reasons.get(0)).isInstanceOf(QualityCheckException.class).hasMessage("{\"rule_id\":\"email_format\"}");
        task.stop();
    }

    @Test
    void aRecordMarkedFailStopsTheTaskWithoutCommittingIt() {
        Context ctx = new Context();
        EtlSinkTask task = start(ctx, 1000);
        SinkRecord bad = Fixtures.record(0, 0, "c", null, Fixtures.row(1, "x@localhost"));
        bad.headers().addString(QualityHeaders.OUTCOME, QualityHeaders.FAIL);
        bad.headers().addString(QualityHeaders.REASON, "quality rule 'email_format' failed");
        assertThatThrownBy(() -> task.put(List.of(bad))).isInstanceOf(ConnectException.class).hasMessageContaining("email_format");
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(1)))).isEmpty();
        task.stop();
    }

    @Test
    void aBadSinkConfigurationIsReportedPerOption() {
        FileSinkConnector connector = new FileSinkConnector();
        var config = connector.validate(Map.of("connector.class", FileSinkConnector.class.getName(), "sink.id", "archive",
                "sink.config", "{\"rotate_bytes\": -1}"));
        var sinkConfig = config.configValues().stream().filter(v -> v.name().equals("sink.config")).findFirst().orElseThrow();
        assertThat(sinkConfig.errorMessages()).anyMatch(m -> m.contains("path")).anyMatch(m -> m.contains("rotate_bytes"));
    }
}
