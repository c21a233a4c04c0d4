package io.etlcdc.server.ha;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Ownership of the pipeline as a lease row in the shared PostgreSQL ({@code etl_leases}), with a
 * fencing token that grows by one at every change of owner. Times are the database's ({@code now()}),
 * so replicas with skewed clocks still agree.
 *
 * <p>A replica renews every {@code ttl / 3}. If it cannot renew (dead, cut off from the database) the
 * lease expires after {@code ttl} and another replica takes it with a higher token. The old owner
 * stops committing before that: {@link #isOwner()} turns false once {@code ttl - safety margin} has
 * passed since its last successful renewal, and every position commit re-checks the token inside the
 * database ({@link FencedOffsetStore}), so a stale owner can never commit.
 */
public final class PipelineLease implements Ownership {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineLease.class);

    private final DataSource dataSource;
    private final String name;
    private final String replicaId;
    private final Duration ttl;
    private volatile long token;
    private volatile long validUntilNanos;

    public PipelineLease(DataSource dataSource, String name, String replicaId, Duration ttl) {
        this.dataSource = dataSource;
        this.name = name;
        this.replicaId = replicaId;
        this.ttl = ttl;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS etl_leases (name VARCHAR(255) PRIMARY KEY, owner VARCHAR(255) NOT NULL, "
                    + "token BIGINT NOT NULL, expires_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("INSERT INTO etl_leases (name, owner, token, expires_at) VALUES ('" + name.replace("'", "''")
                    + "', '', 0, now()) ON CONFLICT (name) DO NOTHING");
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "cannot create the lease table: " + e.getMessage(), e);
        }
    }

    @Override
    public String replicaId() {
        return replicaId;
    }

    public String name() {
        return name;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A quarter of the TTL (the manager renews a little more often): two renewals may fail before this replica stops acting as owner. */
    @Override
    public Duration renewEvery() {
        return ttl.dividedBy(4);
    }

    @Override
    public synchronized boolean acquireOrRenew() {
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (token > 0) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE etl_leases SET expires_at = now() + ? * interval '1 millisecond' "
                        + "WHERE name = ? AND owner = ? AND token = ? AND expires_at > now()")) {
                    ps.setLong(1, ttl.toMillis());
                    ps.setString(2, name);
                    ps.setString(3, replicaId);
                    ps.setLong(4, token);
                    if (ps.executeUpdate() == 1) {
                        validUntilNanos = started + safeNanos();
                        return true;
                    }
                }
                LOG.warn("replica {} lost the pipeline lease (token {})", replicaId, token);
                token = 0;
                validUntilNanos = 0;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE etl_leases SET owner = ?, token = token + 1, "
                    + "expires_at = now() + ? * interval '1 millisecond' WHERE name = ? AND (expires_at <= now() OR owner = '') "
                    + "RETURNING token")) {
                ps.setString(1, replicaId);
                ps.setLong(2, ttl.toMillis());
                ps.setString(3, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        token = rs.getLong(1);
                        validUntilNanos = started + safeNanos();
                        LOG.info("replica {} owns the pipeline now (fencing token {})", replicaId, token);
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            LOG.warn("replica {} could not renew the pipeline lease: {}", replicaId, e.getMessage());
            return isOwner();
        }
    }

    /** How long after a renewal this replica may still act as owner: the TTL minus a third as a margin. */
    private long safeNanos() {
        return ttl.toNanos() * 2 / 3;
    }

    @Override
    public boolean isOwner() {
        return token > 0 && System.nanoTime() < validUntilNanos;
    }

    @Override
    public long token() {
        return token;
    }

    @Override
    public Optional<Lease> current() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT owner, token, expires_at FROM etl_leases WHERE name = ? AND expires_at > now()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getString(1).isEmpty()) {
                    return Optional.of(new Lease(rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant()));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void release() {
        if (token == 0) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE etl_leases SET owner = '', expires_at = now() WHERE name = ? AND owner = ? AND token = ?")) {
            ps.setString(1, name);
            ps.setString(2, replicaId);
            ps.setLong(3, token);
            ps.executeUpdate();
            LOG.info("replica {} released the pipeline lease (token {})", replicaId, token);
        } catch (SQLException e) {
            LOG.warn("replica {} could not release the lease: {}; it expires in {}", replicaId, e.getMessage(), ttl);
        } finally {
            token = 0;
            validUntilNanos = 0;
        }
    }
}
