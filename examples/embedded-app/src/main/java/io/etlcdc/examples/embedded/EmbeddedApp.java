package io.etlcdc.examples.embedded;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.JsonLinesDeadLetterSink;
import io.etlcdc.core.connectors.JsonLinesFileSink;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.transform.RuleDefinition;
import io.etlcdc.transform.RuleEngine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small application that embeds the SDK: it captures one PostgreSQL table, masks its {@code email}
 * column with the spec's {@code mask_email} rule, and appends every change as a JSON line to a file.
 * Positions are kept in {@code <data dir>/offsets.json}, so a restart resumes where it stopped and the
 * file holds each change once.
 *
 * <pre>
 * java -jar embedded-app.jar &lt;connection_string&gt; &lt;table&gt; &lt;output.jsonl&gt; [data dir, default ./data]
 * </pre>
 * Stops cleanly on SIGTERM / Ctrl-C (what was written is committed first).
 */
public final class EmbeddedApp {
    private EmbeddedApp() {}

    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: java -jar embedded-app.jar <connection_string> <table> <output.jsonl> [data dir]");
            System.err.println("  e.g. java -jar embedded-app.jar postgresql://cdc_user:secret@localhost:5432/shop users ./out/users.jsonl");
            System.exit(2);
        }
        Path dataDir = Path.of(args.length == 4 ? args[3] : "data");
        Pipeline pipeline = build(args[0], args[1], Path.of(args[2]), dataDir);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "embedded-app-stop"));
        pipeline.run(); // starts, then waits until the pipeline stops or fails
        if (pipeline.state() == PipelineState.FAILED) {
            System.err.println("pipeline failed: " + pipeline.failure().orElse("unknown reason"));
            System.exit(1);
        }
    }

    /**
     * The pipeline: {@code postgresql} source (found by its type name, as the server finds it) → the
     * {@code mask_email} rule → JSON-lines file. Not started.
     *
     * @param connectionString {@code postgresql://user:password@host:port/database}
     * @param table            the table to capture, e.g. {@code users} (= {@code public.users})
     * @param output           the JSON-lines file to append to
     * @param dataDir          where positions and dead letters are kept
     */
    public static Pipeline build(String connectionString, String table, Path output, Path dataDir) {
        // 1. The source. Any type whose jar is on the class path works the same way ("mysql", "mongodb", a plugin's).
        ConnectorDefinition definition = new ConnectorDefinition("app_pg", "postgresql", connectionString,
                Map.of("tables", List.of(table), "poll_interval", 1));
        Source source = ProviderRegistry.load(SourceProvider.class, EmbeddedApp.class.getClassLoader())
                .get(definition.type())
                .create(ProviderContext.builder(definition.id()).definition(definition).dataDir(dataDir).build());

        // 2. A rule, as the spec writes it (config/transformations.yaml or POST /api/v1/transformations).
        RuleEngine rules = RuleEngine.builder()
                .rule(RuleDefinition.of("mask_email", "Mask Email Addresses", "map", List.of("email"), "masked_email",
                        "{{ email.split(\"@\")[0][:3] }}***@{{ email.split(\"@\")[1] }}", null))
                .build();

        // 3. The sink, and where positions and records no rule could process go.
        return Pipeline.builder()
                .name("embedded-app")
                .source(definition.id(), source)
                .transform(rules)
                .sink("file", new JsonLinesFileSink(output), AssetKind.FILE)
                .offsetStore(new FileOffsetStore(dataDir.resolve("offsets.json")))
                .deadLetterSink(new JsonLinesDeadLetterSink(dataDir.resolve("dead-letters.jsonl")))
                .build();
    }
}
