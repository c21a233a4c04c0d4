package io.etlcdc.lineage.openlineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.ColumnMapping;
import io.etlcdc.core.lineage.LineageAsset;
import io.etlcdc.lineage.LineageGraph;
import io.etlcdc.lineage.query.DerivedColumn;
import io.etlcdc.lineage.query.Direction;
import io.etlcdc.lineage.query.FlowEdge;
import io.etlcdc.lineage.openlineage.Facets.ColumnLineageFacet;
import io.etlcdc.lineage.openlineage.Facets.FieldLineage;
import io.etlcdc.lineage.openlineage.Facets.InputField;
import io.etlcdc.lineage.openlineage.Facets.Transformation;
import io.etlcdc.lineage.openlineage.RunEvent.Dataset;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Emits OpenLineage {@link RunEvent}s (START, COMPLETE, FAIL) for pipeline runs, so Marquez, DataHub
 * or any OpenLineage consumer can read this product's lineage. Datasets and column lineage come from
 * the {@link LineageGraph}: inputs are the source tables, outputs the sinks' tables, topics and files,
 * each named by its asset id in the configured namespace, with a {@code schema} facet and, on
 * outputs, a {@code columnLineage} facet tracing each column back to source columns through the
 * rules. Thread-safe when the transport is.
 *
 * <p>Configured with {@link #OPTIONS} (see {@link #fromConfig}); {@code transport: none} (the default)
 * emits nothing.
 */
public final class OpenLineageEmitter implements AutoCloseable {
    public static final ConfigOption<String> TRANSPORT = ConfigOptions.key("transport").stringType().defaultValue("none")
            .withValidator(Validator.oneOf("none", "file", "http"))
            .withDescription("Where events go: none, file (JSON lines) or http (an OpenLineage endpoint such as Marquez).");
    public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
            .withDescription("File transport: the JSON-lines file; default <data dir>/openlineage/events.jsonl.");
    public static final ConfigOption<String> URL = ConfigOptions.key("url").stringType().noDefaultValue()
            .withDescription("HTTP transport: base URL of the consumer, e.g. http://marquez:5000.");
    public static final ConfigOption<String> ENDPOINT = ConfigOptions.key("endpoint").stringType().defaultValue("api/v1/lineage")
            .withDescription("HTTP transport: path appended to url.");
    public static final ConfigOption<String> API_KEY = ConfigOptions.key("api_key").stringType().noDefaultValue().secret()
            .withDescription("HTTP transport: sent as 'Authorization: Bearer <api_key>'; never logged.");
    public static final ConfigOption<Integer> TIMEOUT_MS = ConfigOptions.key("timeout_ms").intType().defaultValue(5_000)
            .withValidator(Validator.range(1, 600_000)).withDescription("HTTP transport: connect and request timeout.");
    public static final ConfigOption<String> NAMESPACE = ConfigOptions.key("namespace").stringType().defaultValue("etl-cdc")
            .withValidator(Validator.notBlank()).withDescription("OpenLineage namespace of the job and its datasets.");
    public static final ConfigOption<String> PRODUCER = ConfigOptions.key("producer").stringType()
            .defaultValue("urn:etl-cdc-pipeline:etl-lineage")
            .withValidator(Validator.matches("[a-zA-Z][a-zA-Z0-9+.-]*:\\S+", "an absolute URI"))
            .withDescription("URI naming this producer in every event and facet.");

    /** Every option {@link #fromConfig} accepts. */
    public static final Set<ConfigOption<?>> OPTIONS = Set.of(TRANSPORT, PATH, URL, ENDPOINT, API_KEY, TIMEOUT_MS, NAMESPACE, PRODUCER);

    private static final Set<AssetKind> OUTPUT_KINDS = EnumSet.of(AssetKind.SINK_TABLE, AssetKind.TOPIC, AssetKind.FILE,
            AssetKind.DEAD_LETTER);

    private final OpenLineageTransport transport;
    private final String namespace;
    private final String producer;
    private final Clock clock;

    /** An emitter sending through {@code transport}, or emitting nothing when it is null. */
    public OpenLineageEmitter(OpenLineageTransport transport, String namespace, String producer, Clock clock) {
        this.transport = transport;
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * An emitter from configuration, every problem reported at once.
     *
     * @throws ConfigException naming each bad key (unknown keys included)
     */
    public static OpenLineageEmitter fromConfig(Configuration config, Path dataDir, Clock clock) {
        List<ConfigError> errors = new ArrayList<>(config.validate(Set.of(), OPTIONS, Set.of()));
        if (errors.isEmpty()) {
            String type = config.get(TRANSPORT).toLowerCase(java.util.Locale.ROOT);
            if (type.equals("http")) {
                String url = config.getOptional(URL).orElse(null);
                if (url == null) {
                    errors.add(new ConfigError(URL.key(), null, "is required when transport is http"));
                } else if (!url.matches("https?://\\S+")) {
                    errors.add(new ConfigError(URL.key(), Secrets.maskText(url), "expected an http:// or https:// URL"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("openlineage", errors);
        }
        OpenLineageTransport transport = switch (config.get(TRANSPORT).toLowerCase(java.util.Locale.ROOT)) {
            case "file" -> new FileTransport(config.getOptional(PATH).map(Path::of)
                    .orElse(dataDir.resolve("openlineage").resolve("events.jsonl")));
            case "http" -> new HttpTransport(endpoint(config.get(URL), config.get(ENDPOINT)), config.getOptional(API_KEY).orElse(null),
                    Duration.ofMillis(config.get(TIMEOUT_MS)));
            default -> null;
        };
        return new OpenLineageEmitter(transport, config.get(NAMESPACE), config.get(PRODUCER), clock);
    }

    private static URI endpoint(String url, String endpoint) {
        String base = url.endsWith("/") ? url : url + "/";
        String path = endpoint.startsWith("/") ? endpoint.substring(1) : endpoint;
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL.key(), Secrets.maskText(url), "expected a valid URL: " + e.getMessage());
        }
    }

    /** False when configured with {@code transport: none}. */
    public boolean enabled() {
        return transport != null;
    }

    /** Sends START for a run that begins. */
    public RunEvent start(UUID runId, String jobName, LineageGraph graph) {
        return emit(build("START", runId, jobName, graph, null));
    }

    /** Sends COMPLETE for a run that stopped normally. */
    public RunEvent complete(UUID runId, String jobName, LineageGraph graph) {
        return emit(build("COMPLETE", runId, jobName, graph, null));
    }

    /** Sends FAIL for a run that failed, with an {@code errorMessage} facet (secrets masked). */
    public RunEvent fail(UUID runId, String jobName, LineageGraph graph, String message) {
        return emit(build("FAIL", runId, jobName, graph, message == null ? "failed" : message));
    }

    private RunEvent emit(RunEvent event) {
        if (transport != null) {
            transport.emit(toJson(event));
        }
        return event;
    }

    /** The event as one line of JSON, as transports send it. */
    public static String toJson(RunEvent event) {
        try {
            return EtlJson.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.INTERNAL, "could not write an OpenLineage event: " + e.getOriginalMessage(), e);
        }
    }

    /** Builds an event without sending it. */
    public RunEvent build(String eventType, UUID runId, String jobName, LineageGraph graph, String errorMessage) {
        Map<String, Object> runFacets = new LinkedHashMap<>();
        if (errorMessage != null) {
            runFacets.put("errorMessage", new Facets.ErrorMessage(producer, Facets.ERROR_MESSAGE_FACET,
                    Secrets.maskText(errorMessage), "JAVA"));
        }
        Map<String, Object> jobFacets = Map.of("jobType",
                new Facets.JobType(producer, Facets.JOB_TYPE_FACET, "STREAMING", "ETL-CDC", "JOB"));
        List<Dataset> inputs = new ArrayList<>();
        List<Dataset> outputs = new ArrayList<>();
        if (graph != null) {
            for (LineageAsset a : graph.assets()) {
                if (a.kind() == AssetKind.SOURCE_TABLE) {
                    inputs.add(new Dataset(namespace, a.id(), schemaFacet(a.columns())));
                } else if (OUTPUT_KINDS.contains(a.kind())) {
                    outputs.add(output(a, graph));
                }
            }
        }
        return new RunEvent(eventType, clock.instant().toString(), new RunEvent.Run(runId.toString(), runFacets),
                new RunEvent.Job(namespace, jobName, jobFacets), inputs, outputs, producer, Facets.RUN_EVENT_SCHEMA);
    }

    private Map<String, Object> schemaFacet(List<String> columns) {
        if (columns.isEmpty()) {
            return Map.of();
        }
        return Map.of("schema", new Facets.Schema(producer, Facets.SCHEMA_FACET,
                columns.stream().map(Facets.Field::new).toList()));
    }

    private Dataset output(LineageAsset asset, LineageGraph graph) {
        Set<String> columns = new LinkedHashSet<>(asset.columns());
        if (columns.isEmpty()) {
            // columns are known only from the mappings of the hops into the asset
            for (FlowEdge e : graph.upstream(asset.id(), 1).edges()) {
                e.columns().stream().map(ColumnMapping::target).forEach(columns::add);
            }
        }
        Map<String, FieldLineage> fields = new LinkedHashMap<>();
        for (String column : columns) {
            List<InputField> inputs = new ArrayList<>();
            for (DerivedColumn d : graph.columnLineage(asset.id(), column, Direction.UPSTREAM).columns()) {
                if (d.kind() != AssetKind.SOURCE_TABLE) {
                    continue;
                }
                Transformation t = d.transformations().isEmpty()
                        ? new Transformation("DIRECT", "IDENTITY", null)
                        : new Transformation("DIRECT", "TRANSFORMATION", "by rule " + String.join(", then ", d.transformations()));
                inputs.add(new InputField(namespace, d.assetId(), d.column(), List.of(t)));
            }
            if (!inputs.isEmpty()) {
                fields.put(column, new FieldLineage(inputs));
            }
        }
        Map<String, Object> facets = new LinkedHashMap<>(schemaFacet(List.copyOf(columns)));
        if (!fields.isEmpty()) {
            facets.put("columnLineage", new ColumnLineageFacet(producer, Facets.COLUMN_LINEAGE_FACET, fields));
        }
        return new Dataset(namespace, asset.id(), facets);
    }

    @Override
    public void close() throws Exception {
        if (transport != null) {
            transport.close();
        }
    }
}
