package io.etlcdc.core.connectors;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.testing.OffsetStoreContractTest;
import io.etlcdc.core.testing.StateStoreContractTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoresTest {

    @Nested
    class FileOffsets extends OffsetStoreContractTest {
        @TempDir
        Path dir;

        @Override
        protected OffsetStore newStore() {
            return new FileOffsetStore(dir.resolve("offsets.json"));
        }

        @Override
        protected OffsetStore reopen(OffsetStore store) throws Exception {
            store.close();
            return new FileOffsetStore(dir.resolve("offsets.json"));
        }

        @Test
        void aCorruptFileIsRefusedNamingIt() throws Exception {
            Path file = dir.resolve("offsets.json");
            new FileOffsetStore(file).commit("pg", Position.of(10L));
            String text = Files.readString(file);
            Files.writeString(file, text.substring(0, text.length() / 2));
            assertThatThrownBy(() -> new FileOffsetStore(file))
                    .isInstanceOf(EtlException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("re-snapshot")
                    .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.STATE_CORRUPT));
            Files.writeString(file, "");
            assertThatThrownBy(() -> new FileOffsetStore(file)).hasMessageContaining("unreadable");
        }

        @Test
        void commitsLeaveNoTemporaryFilesBehind() throws Exception {
            FileOffsetStore s = new FileOffsetStore(dir.resolve("offsets.json"));
            for (long i = 0; i < 20; i++) {
                s.commit("pg", Position.of(i));
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("offsets.json");
            }
        }
    }

    @Nested
    class MemoryOffsets extends OffsetStoreContractTest {
        @Override
        protected OffsetStore newStore() {
            return new MemoryOffsetStore();
        }

        @Override
        protected OffsetStore reopen(OffsetStore store) {
            return null;
        }
    }

    @Nested
    class FileState extends StateStoreContractTest {
        @TempDir
        Path dir;

        @Override
        protected StateStore newStore() {
            return new FileStateStore(dir);
        }

        @Override
        protected StateStore reopen(StateStore store) throws Exception {
            store.close();
            return new FileStateStore(dir);
        }

        @Test
        void aCorruptNamespaceFileIsRefusedNamingIt() throws Exception {
            new FileStateStore(dir).putAll("agg", Map.of("k", "v"));
            try (var files = Files.list(dir)) {
                Path f = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
                Files.writeString(f, "{oops");
                assertThatThrownBy(() -> new FileStateStore(dir).get("agg", "k")).hasMessageContaining(f.toString());
            }
        }
    }

    @Nested
    class MemoryState extends StateStoreContractTest {
        @Override
        protected StateStore newStore() {
            return new MemoryStateStore();
        }

        @Override
        protected StateStore reopen(StateStore store) {
            return null;
        }
    }
}
