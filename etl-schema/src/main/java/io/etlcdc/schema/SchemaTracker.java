package io.etlcdc.schema;

import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.SchemaRef;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.schema.CompatibilityChecker.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The pipeline's schema stage ({@code PipelineBuilder.schemaTracker(...)}, stage name {@value #ID}):
 * registers each captured table's schema ({@link ChangeEvent#schema()}) under the subject
 * {@code <source_id>_<table>} when the table is first seen and whenever its schema changes, stamps every
 * event of the table with the registered {@link SchemaRef}, and applies the source's
 * {@link SchemaChangePolicy} to changes:
 * <ul>
 *   <li>{@code evolve}: register the new version (if the subject's mode accepts it) and pass the events on;</li>
 *   <li>{@code fail}: stop the source ({@link TransformCollector#failSource}) naming the subject, the
 *   change and the incompatibilities;</li>
 *   <li>{@code ignore}: keep the registered version and migrate rows ({@code before}/{@code after}) to
 *   it; events then carry that version's table schema.</li>
 * </ul>
 * A change is a schema different from the subject's newest version. Events without a schema pass
 * unchanged (stamped when their table's schema is known).
 *
 * <p><b>Cost.</b> The registry is consulted only when a table's {@link TableSchema} differs from the one
 * last seen (compared by identity, then {@code equals}); otherwise an event costs a map lookup and the
 * copy that carries the reference. When the registry cannot be reached the source is stopped (nothing of
 * it is committed) rather than letting events through unregistered.
 *
 * <p>{@link #apply} runs on the pipeline thread only; {@link #setPolicy} may be called from any thread
 * and takes effect at the next batch.
 */
public final class SchemaTracker implements Transform {
    /** The stage id. */
    public static final String ID = "schema";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaTracker.class);

    /** Names the subject of a captured table. */
    @FunctionalInterface
    public interface SubjectNaming {
        /** The default: {@code <source_id>_<table>}, e.g. {@code postgres_main_users} for {@code public.users}. */
        SubjectNaming DEFAULT = (sourceId, collection) -> {
            int dot = collection.lastIndexOf('.');
            return sourceId + "_" + (dot < 0 ? collection : collection.substring(dot + 1));
        };

        String subject(String sourceId, String collection);
    }

    private final SchemaRegistry registry;
    private final SchemaChangePolicy defaultPolicy;
    private final Map<String, SchemaChangePolicy> policies;
    private final SubjectNaming naming;
    private final AtomicInteger policyEpoch = new AtomicInteger();

    // pipeline thread only
    private final Map<String, Map<String, TableState>> tables = new HashMap<>();
    private TableState last;
    private int seenEpoch;

    private SchemaTracker(Builder b) {
        this.registry = b.registry;
        this.defaultPolicy = b.defaultPolicy;
        this.policies = new ConcurrentHashMap<>(b.policies);
        this.naming = b.naming;
    }

    /** A tracker with policy {@code evolve} for every source. */
    public static SchemaTracker create(SchemaRegistry registry) {
        return builder(registry).build();
    }

    public static Builder builder(SchemaRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public String id() {
        return ID;
    }

    /** The policy applied to a source's schema changes. */
    public SchemaChangePolicy policy(String sourceId) {
        return policies.getOrDefault(sourceId, defaultPolicy);
    }

    /**
     * Changes a source's policy from the next batch on; what was decided for its tables is forgotten, so a
     * source stopped under {@code fail} and restarted under {@code evolve} registers its new schema.
     */
    public void setPolicy(String sourceId, SchemaChangePolicy policy) {
        policies.put(Objects.requireNonNull(sourceId, "sourceId"), Objects.requireNonNull(policy, "policy"));
        policyEpoch.incrementAndGet();
    }

    @Override
    public void apply(List<ChangeEvent> batch, TransformCollector out) {
        int epoch = policyEpoch.get();
        if (epoch != seenEpoch) {
            tables.clear();
            last = null;
            seenEpoch = epoch;
        }
        Set<String> stopped = null;
        for (ChangeEvent e : batch) {
            if (stopped != null && stopped.contains(e.sourceId())) {
                continue; // the runtime drops the rest of a stopped source's batch
            }
            TableState st = state(e);
            TableSchema schema = e.schema();
            if (schema != null && schema != st.seen) {
                if (st.seen != null && schema.equals(st.seen)) {
                    st.seen = schema;
                } else {
                    String unavailable = decide(st, schema);
                    if (unavailable != null) {
                        out.failSource(e.sourceId(), unavailable);
                        stopped = addTo(stopped, e.sourceId());
                        continue;
                    }
                }
            }
            if (st.rejection != null) {
                out.failSource(e.sourceId(), st.rejection);
                stopped = addTo(stopped, e.sourceId());
                continue;
            }
            if (st.ref == null) {
                out.emit(e);
                continue;
            }
            ChangeEvent stamped;
            try {
                stamped = stamp(e, st);
            } catch (EtlException unmigratable) {
                out.deadLetter(e, ID, unmigratable.getMessage(), Map.of("subject", st.subject, "version", st.ref.version()));
                continue;
            }
            out.emit(stamped);
        }
    }

    private static Set<String> addTo(Set<String> set, String sourceId) {
        Set<String> s = set == null ? new HashSet<>(2) : set;
        s.add(sourceId);
        return s;
    }

    private TableState state(ChangeEvent e) {
        TableState l = last;
        if (l != null && l.collection.equals(e.collection()) && l.sourceId.equals(e.sourceId())) {
            return l;
        }
        Map<String, TableState> ofSource = tables.get(e.sourceId());
        if (ofSource == null) {
            ofSource = new HashMap<>();
            tables.put(e.sourceId(), ofSource);
        }
        TableState st = ofSource.get(e.collection());
        if (st == null) {
            st = new TableState(e.sourceId(), e.collection(), naming.subject(e.sourceId(), e.collection()));
            ofSource.put(e.collection(), st);
        }
        last = st;
        return st;
    }

    /**
     * Decides what a new schema of a table means and records it in {@code st}.
     *
     * @return null when decided; a reason when the registry could not be consulted (nothing recorded)
     */
    private String decide(TableState st, TableSchema schema) {
        String subject = st.subject;
        try {
            ParsedSchema candidate = ParsedSchema.table(schema);
            Optional<SchemaVersion> latest = registry.latestIfAny(subject);
            if (latest.isEmpty()) {
                RegisterSchemaResponse r = registry.register(subject, candidate);
                LOG.info("registered subject {} version {} for {} in source {}", subject, r.version(), st.collection, st.sourceId);
                st.pass(schema, new SchemaRef(subject, r.version()));
                return null;
            }
            SchemaVersion current = latest.get();
            if (current.schema().fingerprint().equals(candidate.fingerprint())) {
                st.pass(schema, current.ref());
                return null;
            }
            TableSchema registeredShape = current.schema().tableSchema()
                    .orElseGet(() -> TableSchemaAvro.fromAvro(current.schema().avro(), st.collection));
            String changes = String.join("; ", TableSchemaAvro.describeChanges(registeredShape, schema));
            SchemaChangePolicy policy = policy(st.sourceId);
            switch (policy) {
                case EVOLVE -> {
                    try {
                        RegisterSchemaResponse r = registry.register(subject, candidate);
                        LOG.info("schema of {} in source {} changed ({}): subject {} now at version {}", st.collection, st.sourceId,
                                changes, subject, r.version());
                        st.pass(schema, new SchemaRef(subject, r.version()));
                    } catch (SchemaIncompatibleException refused) {
                        st.reject(schema, "schema change of " + st.collection + " refused: subject '" + subject + "' (version "
                                + current.version() + ", " + registry.effectiveCompatibility(subject) + ") cannot take it: "
                                + changes + "; incompatibilities: " + list(refused.incompatibilities()));
                    }
                }
                case FAIL -> {
                    CompatibilityResult check = registry.checkCompatibility(subject, candidate);
                    st.reject(schema, "schema of " + st.collection + " changed and schema_change_policy is fail: subject '"
                            + subject + "' stays at version " + current.version() + "; changes: " + changes
                            + "; incompatibilities under " + check.mode() + ": "
                            + (check.incompatibilities().isEmpty() ? "none" : list(check.incompatibilities())));
                }
                case IGNORE -> {
                    try {
                        RecordMigration migration = RecordMigration.compile(candidate.avro(), current.schema().avro(),
                                new Direction("version " + current.version(), "the table's new schema", false));
                        LOG.info("schema of {} in source {} changed ({}); policy ignore keeps subject {} at version {}",
                                st.collection, st.sourceId, changes, subject, current.version());
                        st.migrate(schema, current.ref(), migration, registeredShape);
                    } catch (SchemaIncompatibleException unreadable) {
                        st.reject(schema, "schema of " + st.collection + " changed and schema_change_policy is ignore, but subject '"
                                + subject + "' version " + current.version() + " cannot read the new shape: " + changes
                                + "; incompatibilities: " + list(unreadable.incompatibilities()));
                    }
                }
            }
            if (st.rejection != null) {
                LOG.warn("stopping source {}: {}", st.sourceId, st.rejection);
            }
            return null;
        } catch (SchemaIncompatibleException e) {
            st.reject(schema, "schema of " + st.collection + " cannot be registered under subject '" + subject + "': " + e.getMessage());
            return null;
        } catch (EtlException e) {
            return "schema registry unavailable for subject '" + subject + "' (" + st.collection + "): " + e.getMessage();
        } catch (RuntimeException e) {
            // not transient: the same schema would fail the same way, so decide it as refused
            st.reject(schema, "schema of " + st.collection + " cannot be handled under subject '" + subject + "': " + e);
            LOG.warn("stopping source {}: {}", st.sourceId, st.rejection, e);
            return null;
        }
    }

    private static String list(List<Incompatibility> list) {
        return list.stream().map(Incompatibility::toString).collect(Collectors.joining(" | "));
    }

    private static ChangeEvent stamp(ChangeEvent e, TableState st) {
        if (st.migration == null) {
            return st.ref.equals(e.schemaRef()) ? e : e.withSchemaRef(st.ref);
        }
        RecordMigration m = st.migration;
        Set<String> unchanged = e.unchangedFields();
        if (!unchanged.isEmpty()) {
            Set<String> kept = new LinkedHashSet<>(unchanged);
            kept.retainAll(st.shapeColumns);
            unchanged = kept;
        }
        return new ChangeEvent(e.sourceId(), e.collection(), e.operation(), e.snapshot(), e.key(), m.apply(e.before()),
                m.apply(e.after()), unchanged, e.ddl(), e.sourceTimestamp(), e.position(), st.shape, st.ref);
    }

    /** What was decided for one table of one source. */
    private static final class TableState {
        final String sourceId;
        final String collection;
        final String subject;
        /** The schema the decision below was made for. */
        TableSchema seen;
        SchemaRef ref;
        RecordMigration migration;
        TableSchema shape;
        Set<String> shapeColumns;
        String rejection;

        TableState(String sourceId, String collection, String subject) {
            this.sourceId = sourceId;
            this.collection = collection;
            this.subject = subject;
        }

        void pass(TableSchema schema, SchemaRef newRef) {
            set(schema, newRef, null, null, null);
        }

        void migrate(TableSchema schema, SchemaRef newRef, RecordMigration m, TableSchema registeredShape) {
            set(schema, newRef, m.isIdentity() ? null : m, registeredShape, null);
        }

        void reject(TableSchema schema, String reason) {
            set(schema, null, null, null, reason);
        }

        private void set(TableSchema schema, SchemaRef newRef, RecordMigration m, TableSchema registeredShape, String reason) {
            seen = schema;
            ref = newRef;
            migration = m;
            shape = registeredShape;
            shapeColumns = registeredShape == null ? null : new HashSet<>(registeredShape.columnNames());
            rejection = reason;
        }
    }

    /** Builds a {@link SchemaTracker}. */
    public static final class Builder {
        private final SchemaRegistry registry;
        private SchemaChangePolicy defaultPolicy = SchemaChangePolicy.EVOLVE;
        private final Map<String, SchemaChangePolicy> policies = new HashMap<>();
        private SubjectNaming naming = SubjectNaming.DEFAULT;

        private Builder(SchemaRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** The policy of sources without their own; default {@code evolve}. */
        public Builder defaultPolicy(SchemaChangePolicy policy) {
            this.defaultPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The policy of one source. */
        public Builder policy(String sourceId, SchemaChangePolicy policy) {
            policies.put(Objects.requireNonNull(sourceId, "sourceId"), Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** How subjects are named; default {@code <source_id>_<table>}. */
        public Builder subjectNaming(SubjectNaming value) {
            this.naming = Objects.requireNonNull(value, "naming");
            return this;
        }

        public SchemaTracker build() {
            return new SchemaTracker(this);
        }
    }
}
