package io.etlcdc.benchmarks.e2e;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Plain JDBC connections from the {@code postgresql://user:pass@host:port/db} strings of {@link E2eDatabases}. */
final class Jdbc {
    private Jdbc() {}

    static Connection open(String connectionString) throws SQLException {
        URI uri = URI.create(connectionString);
        String userInfo = uri.getUserInfo();
        String user = userInfo == null ? "postgres" : userInfo.split(":", 2)[0];
        String password = userInfo == null || !userInfo.contains(":") ? "" : userInfo.split(":", 2)[1];
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), user, password);
    }
}
