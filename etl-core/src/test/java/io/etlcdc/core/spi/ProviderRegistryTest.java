package io.etlcdc.core.spi;

import io.etlcdc.core.connectors.JsonLinesFileSinkProvider;
import io.etlcdc.core.connectors.MemorySinkProvider;
import io.etlcdc.core.connectors.MemorySourceProvider;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderRegistryTest {

    @Test
    void findsTheCoreConnectorsThroughServiceLoader() {
        ClassLoader cl = getClass().getClassLoader();
        assertThat(ProviderRegistry.load(SinkProvider.class, cl).identifiers()).contains("file", "memory");
        assertThat(ProviderRegistry.load(SourceProvider.class, cl).identifiers()).contains("memory");
        assertThat(ProviderRegistry.load(OffsetStoreProvider.class, cl).identifiers()).contains("file", "memory");
        assertThat(ProviderRegistry.load(StateStoreProvider.class, cl).identifiers()).contains("file", "memory");
        assertThat(ProviderRegistry.load(SinkProvider.class, cl).get("FILE")).isInstanceOf(JsonLinesFileSinkProvider.class);
    }

    @Test
    void anUnknownTypeNamesItselfAndTheKnownOnes() {
        ProviderRegistry<SinkProvider> sinks = ProviderRegistry.load(SinkProvider.class, getClass().getClassLoader());
        assertThatThrownBy(() -> sinks.get("snowflake"))
                .isInstanceOf(EtlException.class)
                .hasMessageContaining("unknown sink type 'snowflake'")
                .hasMessageContaining("available: file, memory")
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.UNKNOWN_PROVIDER));
    }

    @Test
    void twoProvidersForOneNameListBothClasses() {
        ProviderRegistry<SinkProvider> sinks = ProviderRegistry.empty(SinkProvider.class).register(new MemorySinkProvider());
        SinkProvider clash = new SinkProvider() {
            @Override
            public String identifier() {
                return "other";
            }

            @Override
            public Set<String> aliases() {
                return Set.of("memory");
            }

            @Override
            public Sink create(ProviderContext context) {
                return null;
            }
        };
        assertThatThrownBy(() -> sinks.register(clash))
                .hasMessageContaining("'memory'")
                .hasMessageContaining(MemorySinkProvider.class.getName())
                .hasMessageContaining(clash.getClass().getName());
    }

    @Test
    void aliasesResolveToTheSameProvider() {
        SourceProvider mysql = new SourceProvider() {
            @Override
            public String identifier() {
                return "mysql";
            }

            @Override
            public Set<String> aliases() {
                return Set.of("mariadb");
            }

            @Override
            public Source create(ProviderContext context) {
                return null;
            }
        };
        ProviderRegistry<SourceProvider> r = ProviderRegistry.empty(SourceProvider.class).register(mysql).register(new MemorySourceProvider());
        assertThat(r.get("MariaDB")).isSameAs(mysql);
        assertThat(r.identifiers()).containsExactly("memory", "mysql");
        assertThat(r.names()).containsExactly("mariadb", "memory", "mysql");
    }
}
