package io.etlcdc.sink.jdbc;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlErrorsTest {

    @Test
    void connectionProblemsRacesAndShutdownsAreTransient() {
        assertThat(SqlErrors.classify(new SQLException("refused", "08001"))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLException("serialization", "40001"))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLException("deadlock", "40P01"))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLException("admin shutdown", "57P01"))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLException("lock wait", "HY000", 1205))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLTransientConnectionException("pool timeout"))).isEqualTo(SqlErrors.Kind.TRANSIENT);
        assertThat(SqlErrors.classify(new SQLException("io", null, new ConnectException("refused")))).isEqualTo(SqlErrors.Kind.TRANSIENT);
    }

    @Test
    void dataAndConstraintErrorsRefuseTheRecord() {
        assertThat(SqlErrors.classify(new SQLException("too long", "22001"))).isEqualTo(SqlErrors.Kind.RECORD);
        assertThat(SqlErrors.classify(new SQLException("not null", "23502"))).isEqualTo(SqlErrors.Kind.RECORD);
        BatchUpdateException batch = new BatchUpdateException("batch entry 0 failed", "", 0, new int[0], null);
        batch.setNextException(new SQLException("duplicate", "23505"));
        assertThat(SqlErrors.classify(batch)).isEqualTo(SqlErrors.Kind.RECORD);
        assertThat(SqlErrors.message(batch)).isEqualTo("duplicate [SQLState 23505]");
    }

    @Test
    void privilegesAndBadSqlArePermanent() {
        assertThat(SqlErrors.classify(new SQLException("permission denied", "42501"))).isEqualTo(SqlErrors.Kind.PERMANENT);
        assertThat(SqlErrors.classify(new SQLException("password authentication failed", "28P01"))).isEqualTo(SqlErrors.Kind.PERMANENT);
    }
}
