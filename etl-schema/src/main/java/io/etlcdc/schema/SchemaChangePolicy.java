package io.etlcdc.schema;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException;

import java.util.Locale;

/**
 * What the {@link SchemaTracker} does when a captured table's schema changes (a DDL) from the version
 * registered for it. The first schema seen for a table is always registered.
 */
public enum SchemaChangePolicy {
    /**
     * Register the new schema as the next version when the subject's compatibility mode accepts it, stamp
     * events with it and let them pass: sinks follow the new shape (e.g. the JDBC sink adds the column). A
     * change the mode refuses stops the source, naming the incompatibilities.
     */
    EVOLVE,
    /** Stop the source at the first change, with a status naming the subject, the change and any incompatibilities. Nothing is registered. */
    FAIL,
    /**
     * Keep the registered shape: nothing is registered, and rows are migrated to the registered version
     * (new columns dropped, removed ones defaulted). A change that version cannot read stops the source.
     */
    IGNORE;

    /**
     * The per-source option ({@code schema_change_policy: evolve|fail|ignore}, default {@code evolve}) a
     * host reads from a source's config to build the tracker.
     */
    public static final ConfigOption<String> OPTION = ConfigOptions.key("schema_change_policy").stringType()
            .defaultValue("evolve")
            .withValidator(Validator.oneOf("evolve", "fail", "ignore"))
            .withDescription("What happens when a captured table's schema changes: evolve (register the new version and let "
                    + "sinks follow), fail (stop the source), ignore (keep the registered shape and migrate rows to it).");

    /** Parses {@code evolve}, {@code fail} or {@code ignore}, case-insensitively. */
    public static SchemaChangePolicy parse(String text) {
        if (text != null) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            for (SchemaChangePolicy p : values()) {
                if (p.name().equals(t)) {
                    return p;
                }
            }
        }
        throw new ConfigException(OPTION.key(), text, "expected one of evolve, fail, ignore");
    }

    /** The name as users write it ({@code evolve}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
