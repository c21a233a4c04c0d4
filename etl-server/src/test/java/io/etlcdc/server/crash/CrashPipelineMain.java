package io.etlcdc.server.crash;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.pipeline.RetryPolicy;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SinkProvider;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.event.Position;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link CrashRecoveryIT} kills: a pipeline from a PostgreSQL source to a jdbc sink
 * (a second PostgreSQL) and a JSON-lines file sink, with its committed positions in a file. It
 * runs until it is killed; it prints {@code STARTED} and then one {@code COMMITTED <events>} line per
 * commit so the test can see progress.
 *
 * <p>Arguments: source connection string, sink connection string, data directory, tables (comma-separated).
 */
public final class CrashPipelineMain {
    private CrashPipelineMain() {}

    public static void main(String[] args) throws Exception {
        String sourceConnection = args[0];
        String sinkConnection = args[1];
        Path dataDir = Path.of(args[2]);
        List<String> tables = List.of(args[3].split(","));
        // the source's engine (debezium or native); each engine runs as a source of its own (own slot, own positions)
        String engine = args.length > 4 ? args[4] : "debezium";
        String sourceId = "debezium".equals(engine) ? "pg" : "pg_" + engine;
        Files.createDirectories(dataDir);
        ClassLoader cl = CrashPipelineMain.class.getClassLoader();

        ConnectorDefinition sourceDef = new ConnectorDefinition(sourceId, "postgresql", sourceConnection,
                Map.of("tables", tables, "poll_interval", 0.1, "engine", engine));
        var source = ProviderRegistry.load(SourceProvider.class, cl).get("postgresql")
                .create(ProviderContext.builder(sourceId).definition(sourceDef).dataDir(dataDir).build());
        ProviderRegistry<SinkProvider> sinks = ProviderRegistry.load(SinkProvider.class, cl);
        var replica = sinks.get("jdbc").create(ProviderContext.of(new ConnectorDefinition("replica", "jdbc", sinkConnection,
                Map.of("connect_timeout_ms", 2000))));
        var archive = sinks.get("file").create(ProviderContext.of(new ConnectorDefinition("archive", "file", null,
                Map.of("path", dataDir.resolve("out/events.jsonl").toString(), "rotate_bytes", 1_000_000))));

        AtomicLong committed = new AtomicLong();
        Pipeline pipeline = Pipeline.builder().name("crash")
                .source(sourceId, source)
                .sink("replica", replica)
                .sink("archive", archive, AssetKind.FILE)
                .offsetStore(new FileOffsetStore(dataDir.resolve("offsets.json")))
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .maxBatchSize(500)
                .listener(new PipelineListener() {
                    @Override
                    public void onCommitted(String sourceId, Position position, int events) {
                        System.out.println("COMMITTED " + committed.addAndGet(events) + " " + position);
                    }

                    @Override
                    public void onSourceFailed(String sourceId, Throwable error) {
                        System.out.println("SOURCE_FAILED " + error);
                    }
                })
                .build();
        pipeline.start();
        System.out.println("STARTED");
        // until SIGKILL (or the test stops the process): nothing here may flush or commit on the way out
        while (true) {
            Thread.sleep(1_000);
            if (pipeline.state().isTerminal()) {
                System.out.println("PIPELINE " + pipeline.state() + " " + pipeline.failure().orElse(""));
                System.exit(3);
            }
        }
    }
}
