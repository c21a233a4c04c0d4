package io.etlcdc.sink.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Sorts database errors into what the sink does about them: retry the batch later (the database is
 * down, restarting, or a transaction lost a race), refuse one record for good (it breaks a constraint
 * or holds a value the column cannot store), or fail (wrong credentials, missing privileges, SQL the
 * target rejects). Stateless.
 */
final class SqlErrors {

    /** What to do about an error. */
    enum Kind {
        /** Try the same batch again later. */
        TRANSIENT,
        /** A record the target refuses: isolate it and dead-letter it. */
        RECORD,
        /** Stop and tell the operator. */
        PERMANENT
    }

    /** PostgreSQL/SQL-standard states worth retrying: serialization failure, deadlock, shutdown, lock timeout, too many connections. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "55P03",
            "53000", "53100", "53200", "53300", "58000", "58030", "HYT00", "HYT01", "40000");

    /** MySQL/MariaDB error numbers worth retrying: lock wait timeout, deadlock, server gone, lost connection, killed, read-only. */
    private static final Set<Integer> TRANSIENT_MYSQL_CODES = Set.of(1205, 1213, 2002, 2003, 2006, 2013, 1053, 1077, 1317, 1927,
            1040, 1290, 1836);

    private SqlErrors() {}

    static Kind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    Kind k = classifyOne(e);
                    if (k != Kind.PERMANENT) {
                        return k;
                    }
                }
            } else if (t instanceof IOException) {
                return Kind.TRANSIENT;
            }
        }
        return Kind.PERMANENT;
    }

    private static Kind classifyOne(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException) {
            return Kind.TRANSIENT;
        }
        String state = e.getSQLState();
        if (TRANSIENT_MYSQL_CODES.contains(e.getErrorCode()) && (state == null || !state.startsWith("23"))) {
            return Kind.TRANSIENT;
        }
        if (state == null) {
            return e.getCause() instanceof IOException ? Kind.TRANSIENT : Kind.PERMANENT;
        }
        if (state.startsWith("08") || TRANSIENT_STATES.contains(state)) {
            return Kind.TRANSIENT;
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return Kind.RECORD;
        }
        return Kind.PERMANENT;
    }

    /** The most telling message in a chain: batch errors hide the real one in the next exception. */
    static String message(Throwable error) {
        String best = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                SQLException next = sql.getNextException();
                String m = next != null && next.getMessage() != null ? next.getMessage() : sql.getMessage();
                if (m != null) {
                    String state = (next != null ? next : sql).getSQLState();
                    return state == null ? m : m + " [SQLState " + state + "]";
                }
            }
            if (best == null && t.getMessage() != null) {
                best = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return best != null ? best : String.valueOf(error);
    }
}
