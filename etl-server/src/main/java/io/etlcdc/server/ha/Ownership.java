package io.etlcdc.server.ha;

import java.time.Instant;
import java.util.Optional;

/**
 * Which replica runs the pipeline. With the embedded state database there is one replica and it
 * always owns the pipeline; with a shared PostgreSQL ({@code DATABASE_URL}) ownership is a lease
 * (see {@link PipelineLease}).
 */
public interface Ownership extends AutoCloseable {

    /** This replica's id (host name and process id by default). */
    String replicaId();

    /** Tries to take or keep ownership; true when this replica owns the pipeline now. */
    boolean acquireOrRenew();

    /** True when this replica held the lease at its last successful renewal and it has not expired. */
    boolean isOwner();

    /** The fencing token of the current ownership: it grows with every change of owner. */
    long token();

    /** Who owns the pipeline now and until when (for status pages). */
    Optional<Lease> current();

    /** How often {@link #acquireOrRenew()} must run to keep ownership. */
    default java.time.Duration renewEvery() {
        return java.time.Duration.ofSeconds(5);
    }

    /** Gives ownership up so that another replica can take over at once. */
    void release();

    @Override
    default void close() {
        release();
    }

    /** A lease as stored. */
    record Lease(String owner, long token, Instant expiresAt) {}

    /** The single-replica case: always the owner, token 1. */
    static Ownership single(String replicaId) {
        return new Ownership() {
            @Override
            public String replicaId() {
                return replicaId;
            }

            @Override
            public boolean acquireOrRenew() {
                return true;
            }

            @Override
            public boolean isOwner() {
                return true;
            }

            @Override
            public long token() {
                return 1;
            }

            @Override
            public Optional<Lease> current() {
                return Optional.of(new Lease(replicaId, 1, null));
            }

            @Override
            public void release() {
            }
        };
    }
}
