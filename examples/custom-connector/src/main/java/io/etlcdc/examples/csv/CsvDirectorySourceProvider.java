package io.etlcdc.examples.csv;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Type {@code csv-directory}:
 * <pre>{@code
 * {"id": "uploads", "type": "csv-directory", "config": {"path": "/data/incoming", "poll_interval": 1}}
 * }</pre>
 */
public final class CsvDirectorySourceProvider implements SourceProvider {
    static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
            .withValidator(Validator.notBlank()).withDescription("directory to read *.csv files from");
    static final ConfigOption<Double> POLL_INTERVAL = ConfigOptions.key("poll_interval").doubleType().defaultValue(1.0)
            .withValidator(Validator.range(0.01, 3600)).withDescription("seconds between directory scans");

    @Override
    public String identifier() {
        return "csv-directory";
    }

    @Override
    public String description() {
        return "Rows of CSV files dropped into a directory";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(POLL_INTERVAL);
    }

    @Override
    public void checkConnection(ProviderContext context) {
        Path dir = Path.of(context.config().get(PATH));
        if (!Files.isDirectory(dir)) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "directory " + dir + " does not exist; create it or fix 'path'");
        }
    }

    @Override
    public Source create(ProviderContext context) {
        return new CsvDirectorySource(context.id(), Path.of(context.config().get(PATH)),
                Math.round(context.config().get(POLL_INTERVAL) * 1000));
    }
}
