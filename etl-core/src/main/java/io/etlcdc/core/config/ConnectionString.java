package io.etlcdc.core.config;

import io.etlcdc.core.error.ConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A connection string in the URL form the spec uses:
 * {@code scheme://[user[:password]@]host[:port][,host2[:port2]...][/database][?key=value&...]},
 * e.g. {@code postgresql://user:pass@localhost:5432/db} or
 * {@code mongodb://u:p@h1:27017,h2:27017/shop?replicaSet=rs0}. User and password may be
 * percent-encoded. {@link #toString()} masks the password.
 */
public final class ConnectionString {
    /** One host and port; port is -1 when not given. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return port < 0 ? host : host + ":" + port;
        }
    }

    private final String original;
    private final String scheme;
    private final String user;
    private final String password;
    private final List<HostPort> hosts;
    private final String database;
    private final Map<String, String> params;

    private ConnectionString(String original, String scheme, String user, String password, List<HostPort> hosts,
                             String database, Map<String, String> params) {
        this.original = original;
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.hosts = hosts;
        this.database = database;
        this.params = params;
    }

    /**
     * Parses a connection string.
     *
     * @throws ConfigException naming {@code connection_string} and what is wrong (the password masked)
     */
    public static ConnectionString parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("connection_string", null, "is required, e.g. postgresql://user:pass@localhost:5432/db");
        }
        String s = text.trim();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd <= 0) {
            throw bad(text, "expected scheme://[user[:password]@]host[:port]/database, e.g. postgresql://user:pass@localhost:5432/db");
        }
        String scheme = s.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
        String rest = s.substring(schemeEnd + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String cred = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = cred.indexOf(':');
            user = decode(colon >= 0 ? cred.substring(0, colon) : cred);
            password = colon >= 0 ? decode(cred.substring(colon + 1)) : null;
        }
        String database = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            database = decode(rest.substring(slash + 1));
            if (database.isEmpty()) {
                database = null;
            }
            rest = rest.substring(0, slash);
        }
        if (rest.isEmpty()) {
            throw bad(text, "has no host, e.g. " + scheme + "://user:pass@localhost/db");
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String hp : rest.split(",")) {
            hosts.add(parseHost(text, hp));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String kv : query.split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                params.put(decode(eq >= 0 ? kv.substring(0, eq) : kv), eq >= 0 ? decode(kv.substring(eq + 1)) : "");
            }
        }
        return new ConnectionString(s, scheme, user, password, List.copyOf(hosts), database,
                Collections.unmodifiableMap(params));
    }

    private static HostPort parseHost(String text, String hp) {
        String host = hp;
        int port = -1;
        if (hp.startsWith("[")) {
            int close = hp.indexOf(']');
            if (close < 0) {
                throw bad(text, "has an unclosed IPv6 address");
            }
            host = hp.substring(1, close);
            String after = hp.substring(close + 1);
            if (after.startsWith(":")) {
                port = parsePort(text, after.substring(1));
            }
        } else {
            int colon = hp.lastIndexOf(':');
            if (colon >= 0) {
                host = hp.substring(0, colon);
                port = parsePort(text, hp.substring(colon + 1));
            }
        }
        if (host.isEmpty()) {
            throw bad(text, "has an empty host");
        }
        return new HostPort(host, port);
    }

    private static int parsePort(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw bad(text, "has port " + port + "; expected 1-65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw bad(text, "has port '" + port + "'; expected a number");
        }
    }

    private static ConfigException bad(String text, String why) {
        return new ConfigException("connection_string", Secrets.maskText(text), why);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public String scheme() { return scheme; }
    public Optional<String> user() { return Optional.ofNullable(user); }
    public Optional<String> password() { return Optional.ofNullable(password); }
    public List<HostPort> hosts() { return hosts; }
    /** The first host. */
    public String host() { return hosts.get(0).host(); }
    /** The first host's port, or {@code defaultPort} when none was given. */
    public int port(int defaultPort) { return hosts.get(0).port() < 0 ? defaultPort : hosts.get(0).port(); }
    public Optional<String> database() { return Optional.ofNullable(database); }
    public Map<String, String> params() { return params; }

    /** The original text, password included: only for handing to a driver, never for display. */
    public String unmasked() {
        return original;
    }

    /** The text with the password masked. */
    public String masked() {
        return Secrets.maskText(original);
    }

    @Override
    public String toString() {
        return masked();
    }
}
