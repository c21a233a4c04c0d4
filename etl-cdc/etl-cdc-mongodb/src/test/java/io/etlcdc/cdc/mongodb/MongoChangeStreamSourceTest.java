package io.etlcdc.cdc.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.ServerAddress;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.ProviderContext;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver engine's failure messages and its state before it ran (no server needed). */
class MongoChangeStreamSourceTest {
    private static final String URL = "mongodb://cdc:s3cret@h1:27017,h2:27017/shop?replicaSet=rs0";

    private static MongoChangeStreamSource source(Map<String, Object> config) {
        return (MongoChangeStreamSource) new MongoSourceProvider().create(ProviderContext.builder("m")
                .definition(new ConnectorDefinition("m", "mongodb", URL, config)).build());
    }

    private static MongoCommandException serverError(int code, String codeName, String message) {
        return new MongoCommandException(BsonDocument.parse("{\"ok\": 0, \"code\": " + code + ", \"codeName\": \"" + codeName
                + "\", \"errmsg\": \"" + message + "\"}"), new ServerAddress("h1", 27017));
    }

    @Test
    void failuresSayWhatToFixAndOnlyConnectionTroubleIsRetried() {
        MongoChangeStreamSource s = source(Map.of("tables", List.of("orders")));
        EtlException standalone = s.translate(serverError(40573, "Location40573", "The $changeStream stage is only supported on replica sets"));
        assertThat(standalone.isRetriable()).isFalse();
        assertThat(standalone.getMessage()).contains("replica set", "rs.initiate()", "?replicaSet=rs0");
        EtlException denied = s.translate(serverError(13, "Unauthorized", "not authorized on shop to execute command { aggregate: \\\"orders\\\" }"));
        assertThat(denied.isRetriable()).isFalse();
        assertThat(denied.getMessage()).contains("permission denied", "grantRolesToUser");
        EtlException lost = s.translate(serverError(286, "ChangeStreamHistoryLost", "Resume of change stream was not possible"));
        assertThat(lost.code()).isEqualTo(ErrorCode.POSITION_LOST);
        assertThat(lost.getMessage()).contains("snapshot_mode: when_needed");
        EtlException credentials = s.translate(serverError(18, "AuthenticationFailed", "Authentication failed."));
        assertThat(credentials.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(credentials.isRetriable()).isFalse();
        EtlException down = s.translate(new MongoSocketOpenException("Exception opening socket", new ServerAddress("h1", 27017),
                new IOException("Connection refused")));
        assertThat(down.isRetriable()).isTrue();
        assertThat(down.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        for (EtlException e : List.of(standalone, denied, lost, credentials, down)) {
            assertThat(e.getMessage()).doesNotContain("s3cret");
        }
    }

    @Test
    void theStreamIsOpenedWhereTheLeastPrivilegeIsNeededAndHealthIsUnknownBeforeARun() {
        assertThat(source(Map.of("tables", List.of("orders"))).scope()).isEqualTo("collection");
        assertThat(source(Map.of("tables", List.of("orders", "shop.customers"))).scope()).isEqualTo("database");
        assertThat(source(Map.of()).scope()).isEqualTo("database");
        assertThat(source(Map.of("tables", List.of("orders", "crm.customers"))).scope()).isEqualTo("deployment");
        assertThat(source(Map.of()).health().status()).isEqualTo(HealthStatus.UNKNOWN);
        assertThat(MongoOptions.ENGINE.defaultValue()).isEqualTo("driver");
    }
}
