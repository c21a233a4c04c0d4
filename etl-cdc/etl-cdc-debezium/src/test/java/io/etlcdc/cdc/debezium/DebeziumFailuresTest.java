package io.etlcdc.cdc.debezium;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DebeziumFailuresTest {
    @Test
    void connectionTroubleIsRetriableAndTheRestIsNot() {
        EtlException lost = DebeziumFailures.translate("PostgreSQL", new RuntimeException("wrapped",
                new SQLException("terminating connection due to administrator command", "57P01")));
        assertThat(lost.isRetriable()).isTrue();
        assertThat(lost.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(DebeziumFailures.translate("x", new ConnectException("refused")).isRetriable()).isTrue();
        EtlException bad = DebeziumFailures.translate("x", new IllegalStateException("postgresql://u:hunter2@h/db broke"));
        assertThat(bad.isRetriable()).isFalse();
        assertThat(bad.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
        assertThat(bad.getMessage()).doesNotContain("hunter2");
        EtlException own = new EtlException(ErrorCode.POSITION_LOST, "gone");
        assertThat(DebeziumFailures.translate("x", new RuntimeException(own))).isSameAs(own);
    }
}
