package io.etlcdc.examples.csv;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CsvDirectorySourceTest {
    @TempDir
    Path dir;

    @Test
    void emitsEachRowOnceAndResumesAfterTheCommittedRow() throws Exception {
        Files.writeString(dir.resolve("users.csv"), "id,email\n1,a@x.io\n2,b@x.io\n");
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        try (Pipeline p = Pipeline.builder().source("csv", new CsvDirectorySource("csv", dir, 20)).sink("mem", sink)
                .offsetStore(offsets).stopTimeout(Duration.ofSeconds(5)).build()) {
            p.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> sink.size() == 2);
        }
        Files.writeString(dir.resolve("users.csv"), "id,email\n1,a@x.io\n2,b@x.io\n3,c@x.io\n");
        try (Pipeline p = Pipeline.builder().source("csv", new CsvDirectorySource("csv", dir, 20)).sink("mem", sink)
                .offsetStore(offsets).stopTimeout(Duration.ofSeconds(5)).build()) {
            p.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> sink.size() == 3);
        }
        ChangeEvent third = sink.events().get(2);
        assertThat(third.collection()).isEqualTo("csv.users");
        assertThat(third.key()).containsEntry("id", "3");
        assertThat(third.after()).containsEntry("email", "c@x.io");
    }
}
