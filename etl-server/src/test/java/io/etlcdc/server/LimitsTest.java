package io.etlcdc.server;

import io.etlcdc.server.api.Http;
import io.etlcdc.server.api.PipelineApi;
import io.etlcdc.server.api.RulesApi;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Api.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request limits: a body over {@link Http#MAX_BODY_BYTES} on any endpoint that takes one, more
 * records than {@link RulesApi#MAX_RECORDS} in a preview or a quality dry run, and more dead letters
 * than {@link PipelineApi#MAX_REPLAY} in one replay are refused with 413 and a message naming the
 * limit; a sink's batch size out of range is refused naming the option. The server stays healthy.
 */
class LimitsTest {
    static EtlServer server;
    static Api api;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        server = new EtlServer(new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "WARN", 1000, Optional.empty(), false, dir.resolve("plugins")), ConfigFiles.Loaded.empty()).start();
        api = new Api(server.port(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bodiesOverOneMebibyteGet413OnEveryEndpoint() {
        assertThat(api.post("/api/v1/sources/connect", "{\"id\":\"x\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:b@h/db\"}")
                .status()).isEqualTo(201);
        String huge = "{\"x\":\"" + "a".repeat(Http.MAX_BODY_BYTES + 10) + "\"}";
        for (String path : List.of("/api/v1/sources/connect", "/api/v1/sinks/connect", "/api/v1/transformations",
                "/api/v1/transformations/preview", "/api/v1/quality/add-rule", "/api/v1/quality/check", "/api/v1/schema/register",
                "/api/v1/schema/check-compatibility", "/api/v1/dead-letters/replay", "/api/v1/sources/x/start", "/api/v1/sources/x/snapshot")) {
            Response r = api.post(path, huge);
            assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(413);
            assertThat(r.json().path("detail").asText()).as(path).contains(String.valueOf(Http.MAX_BODY_BYTES));
        }
        Response put = api.put("/api/v1/schema/config", huge);
        assertThat(put.status()).isEqualTo(413);
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void tooManyRecordsInAPreviewOrADryRunGet413NamingTheLimit() {
        String records = String.join(",", Collections.nCopies(RulesApi.MAX_RECORDS + 1, "{\"a\":1}"));
        Response preview = api.post("/api/v1/transformations/preview", "{\"rules\":[{\"rule_id\":\"r\",\"name\":\"R\",\"rule_type\":\"map\","
                + "\"source_fields\":[\"a\"],\"target_field\":\"b\",\"expression\":\"{{ a }}\"}],\"records\":[" + records + "]}");
        assertThat(preview.status()).isEqualTo(413);
        assertThat(preview.json().path("detail").asText()).contains(String.valueOf(RulesApi.MAX_RECORDS));
        Response check = api.post("/api/v1/quality/check", "{\"records\":[" + records + "]}");
        assertThat(check.status()).isEqualTo(413);
        assertThat(check.json().path("detail").asText()).contains(String.valueOf(RulesApi.MAX_RECORDS));
        String atLimit = String.join(",", Collections.nCopies(RulesApi.MAX_RECORDS, "{\"a\":1}"));
        assertThat(api.post("/api/v1/quality/check", "{\"records\":[" + atLimit + "]}").status()).isEqualTo(200);
    }

    @Test
    void aReplayBatchOverTheLimitGets413AndABadLimitA400() {
        Response tooMany = api.post("/api/v1/dead-letters/replay", "{\"limit\":" + (PipelineApi.MAX_REPLAY + 1) + "}");
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.json().path("detail").asText()).contains(String.valueOf(PipelineApi.MAX_REPLAY));
        String ids = String.join(",", Collections.nCopies(PipelineApi.MAX_REPLAY + 1, "\"0123456789abcdef\""));
        assertThat(api.post("/api/v1/dead-letters/replay", "{\"ids\":[" + ids + "]}").status()).isEqualTo(413);
        assertThat(api.post("/api/v1/dead-letters/replay", "{\"limit\":0}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/dead-letters/replay", "{\"limit\":\"all\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/dead-letters/replay", "{\"limit\":10}").status()).isEqualTo(200);
    }

    @Test
    void aSinkBatchSizeOutOfRangeIsRefusedNamingTheOption() {
        Response r = api.post("/api/v1/sinks/connect", "{\"id\":\"wh\",\"type\":\"jdbc\",\"connection_string\":\"postgresql://u:p@localhost:1/db\","
                + "\"config\":{\"batch_size\":100000001}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("batch_size");
    }
}
