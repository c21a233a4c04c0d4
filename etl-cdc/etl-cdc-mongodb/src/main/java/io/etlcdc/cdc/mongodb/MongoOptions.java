package io.etlcdc.cdc.mongodb;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;

import java.util.Set;

/** The MongoDB-specific options of a {@code mongodb} source (besides the common Debezium ones). */
public final class MongoOptions {
    private MongoOptions() {}

    public static final ConfigOption<Boolean> PRE_IMAGES = ConfigOptions.key("pre_images")
            .booleanType().defaultValue(false)
            .withDescription("Deliver the document before each update and delete as 'before' (MongoDB 6.0+, with "
                    + "changeStreamPreAndPostImages enabled on each captured collection). Off: 'before' is empty and "
                    + "deletes carry only the key.");

    public static Set<ConfigOption<?>> all() {
        return Set.of(PRE_IMAGES);
    }
}
