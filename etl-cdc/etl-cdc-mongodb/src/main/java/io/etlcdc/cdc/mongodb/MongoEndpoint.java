package io.etlcdc.cdc.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.etlcdc.core.error.ConfigException;

import java.util.concurrent.TimeUnit;

/**
 * A MongoDB deployment from the spec's connection string
 * ({@code mongodb://user:pass@h1:27017,h2:27017/db?replicaSet=rs0}, or {@code mongodb+srv://}): the URI is
 * handed to the driver and to Debezium as it is (so {@code authSource}, {@code tls}, {@code replicaSet} ... work
 * as MongoDB documents them); its database is the default one for unqualified collection names.
 * Immutable; {@link #toString()} shows no password.
 *
 * @param uri      the full connection string (password inside: never log it)
 * @param database the default database
 * @param masked   the connection string with the password masked
 */
record MongoEndpoint(String uri, String database, String masked) {

    static MongoEndpoint of(io.etlcdc.core.config.ConnectionString cs) {
        if (!cs.scheme().equals("mongodb") && !cs.scheme().equals("mongodb+srv")) {
            throw new ConfigException("connection_string", cs.masked(),
                    "expected a mongodb:// URL, e.g. mongodb://user:pass@h1:27017,h2:27017/db?replicaSet=rs0");
        }
        if (cs.database().isEmpty()) {
            throw new ConfigException("connection_string", cs.masked(),
                    "names no database, e.g. mongodb://user:pass@h1:27017,h2:27017/db?replicaSet=rs0");
        }
        try {
            new ConnectionString(cs.unmasked());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("connection_string", cs.masked(), "is not a valid MongoDB connection string: "
                    + io.etlcdc.core.config.Secrets.maskText(e.getMessage()));
        }
        return new MongoEndpoint(cs.unmasked(), cs.database().get(), cs.masked());
    }

    /**
     * A client with short timeouts (the caller closes it): 10 s to find a server and to connect, 30 s to read, unless
     * the connection string sets {@code serverSelectionTimeoutMS} / {@code connectTimeoutMS} / {@code socketTimeoutMS}.
     */
    MongoClient client() {
        ConnectionString cs = new ConnectionString(uri);
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applyToClusterSettings(b -> {
                    if (cs.getServerSelectionTimeout() == null) {
                        b.serverSelectionTimeout(10, TimeUnit.SECONDS);
                    }
                })
                .applyToSocketSettings(b -> {
                    if (cs.getConnectTimeout() == null) {
                        b.connectTimeout(10, TimeUnit.SECONDS);
                    }
                    if (cs.getSocketTimeout() == null) {
                        b.readTimeout(30, TimeUnit.SECONDS);
                    }
                })
                .applicationName("etl-cdc")
                .build());
    }

    @Override
    public String toString() {
        return masked;
    }
}
