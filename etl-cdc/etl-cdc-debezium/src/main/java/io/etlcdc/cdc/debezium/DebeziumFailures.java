package io.etlcdc.cdc.debezium;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Reads engine failures: connection trouble is retriable, everything else permanent. Stateless. */
public final class DebeziumFailures {
    private DebeziumFailures() {}

    /**
     * The failure as an {@link EtlException}: already one, returned as is; connection-level causes
     * (sockets, SQLState class 08/57P/53, Kafka Connect's RetriableException) as a
     * {@link RetriableEtlException} with {@link ErrorCode#CONNECTION_FAILED}; the rest as
     * {@link ErrorCode#SOURCE_FAILED}. Messages have passwords masked.
     */
    public static EtlException translate(String database, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException e) {
                return e;
            }
        }
        String detail = Secrets.maskText(rootMessage(error));
        if (isTransient(error)) {
            return new RetriableEtlException(ErrorCode.CONNECTION_FAILED, database + " connection lost or unavailable: " + detail, error);
        }
        return new EtlException(ErrorCode.SOURCE_FAILED, database + " capture failed: " + detail, error);
    }

    /** True when the failure may go away by itself (network, server restarting). */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return false;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof SocketException || t instanceof EOFException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof org.apache.kafka.connect.errors.RetriableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The most specific message in the cause chain. */
    public static String rootMessage(Throwable error) {
        String message = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }
}
