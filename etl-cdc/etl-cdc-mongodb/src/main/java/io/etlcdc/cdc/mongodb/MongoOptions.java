package io.etlcdc.cdc.mongodb;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;

import java.util.Set;

/** The MongoDB-specific options of a {@code mongodb} source (besides the common Debezium ones). */
public final class MongoOptions {
    private MongoOptions() {}

    /** The engine that reads the change streams. */
    public static final ConfigOption<String> ENGINE = ConfigOptions.key("engine")
            .stringType().defaultValue("driver").withValidator(Validator.oneOf("driver", "debezium"))
            .withDescription("driver: change streams read with the MongoDB Java driver (insert/update/replace/delete plus drop, "
                    + "rename and dropDatabase as DDL events, pre-images on MongoDB 6.0+ when the collection keeps them); "
                    + "debezium: Debezium's MongoDB connector (no DDL events; debezium.* pass-through).");

    public static final ConfigOption<Boolean> PRE_IMAGES = ConfigOptions.key("pre_images")
            .booleanType().defaultValue(false)
            .withDescription("Deliver the document before each update and delete as 'before' (MongoDB 6.0+, with "
                    + "changeStreamPreAndPostImages enabled on each captured collection) with engine: debezium. Off: 'before' is "
                    + "empty and deletes carry only the key. The driver engine asks for pre-images whenever the server has "
                    + "them (6.0+) and ignores this option.");

    public static Set<ConfigOption<?>> all() {
        return Set.of(ENGINE, PRE_IMAGES);
    }
}
