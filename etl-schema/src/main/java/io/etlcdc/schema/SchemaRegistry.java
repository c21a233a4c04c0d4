package io.etlcdc.schema;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.schema.CompatibilityChecker.Direction;
import io.etlcdc.schema.CompatibilityChecker.Existing;
import io.etlcdc.schema.store.InMemorySchemaStore;
import io.etlcdc.schema.store.JdbcSchemaStore;
import io.etlcdc.schema.store.SchemaStore;
import io.etlcdc.schema.store.StoredSchema;
import io.etlcdc.schema.store.StoredVersion;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The schema registry: subjects (one per captured table, {@code <source_id>_<table>}, or any name a user
 * registers under) with ordered versions, global schema ids, compatibility modes per subject with a
 * global default, and migration of rows between versions.
 *
 * <pre>{@code
 * SchemaRegistry registry = new SchemaRegistry(new JdbcSchemaStore(dataSource));
 * RegisterSchemaResponse v1 = registry.register(RegisterSchemaRequest.of("orders", avroText, SchemaType.AVRO));
 * CompatibilityResult check = registry.checkCompatibility(CheckCompatibilityRequest.of("orders", nextText, SchemaType.AVRO));
 * Map<String, Object> asV2 = registry.migrate("orders", 1, 2, rowWrittenWithV1);
 * }</pre>
 *
 * <p>The request and answer records are the REST API's payloads ({@code /api/v1/schema/...}).
 * Thread-safe. Registering is serialized per subject within the process and made safe across processes
 * by the store's unique version numbers. Parsed schemas and compiled migrations are cached by schema id
 * (both immutable); version lists are read from the store on each call, so several processes sharing a
 * database see each other's registrations.
 */
public final class SchemaRegistry {
    private static final int MAX_SUBJECT_LENGTH = 255;
    private static final int REGISTER_ATTEMPTS = 30;

    private final SchemaStore store;
    private final Clock clock;
    private final Map<Long, ParsedSchema> schemas = new ConcurrentHashMap<>();
    private final Map<String, Object> subjectLocks = new ConcurrentHashMap<>();
    private final Map<Long, Map<Long, RecordMigration>> migrations = new ConcurrentHashMap<>();

    public SchemaRegistry(SchemaStore store) {
        this(store, Clock.systemUTC());
    }

    public SchemaRegistry(SchemaStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The registry a host builds for a component: on the state database when the context offers a
     * {@link javax.sql.DataSource} service (the server's H2 file database, or PostgreSQL with
     * {@code DATABASE_URL}), otherwise in memory.
     */
    public static SchemaRegistry create(ProviderContext context) {
        Optional<javax.sql.DataSource> dataSource = context.service(javax.sql.DataSource.class);
        SchemaStore store = dataSource.<SchemaStore>map(JdbcSchemaStore::new).orElseGet(InMemorySchemaStore::new);
        return new SchemaRegistry(store, context.clock());
    }

    /** A registry that keeps nothing across restarts. */
    public static SchemaRegistry inMemory() {
        return new SchemaRegistry(new InMemorySchemaStore());
    }

    public SchemaStore store() {
        return store;
    }

    // ---- register and check -------------------------------------------------------------------

    /**
     * {@code POST /api/v1/schema/register}.
     *
     * @throws ConfigException             when the subject or schema is invalid
     * @throws SchemaIncompatibleException when the subject's mode refuses it (409)
     */
    public RegisterSchemaResponse register(RegisterSchemaRequest request) {
        Objects.requireNonNull(request, "request");
        String subject = checkSubject(request.subject());
        return register(subject, ParsedSchema.parse(request.schemaType(), request.schema(), subject));
    }

    /**
     * Registers a schema under a subject: the existing version when an identical schema is registered
     * there, otherwise a new version once the subject's compatibility mode accepts it.
     *
     * @throws SchemaIncompatibleException when the subject's mode refuses it
     */
    public RegisterSchemaResponse register(String subject, ParsedSchema schema) {
        checkSubject(subject);
        Objects.requireNonNull(schema, "schema");
        synchronized (subjectLocks.computeIfAbsent(subject, k -> new Object())) {
            for (int attempt = 1; attempt <= REGISTER_ATTEMPTS; attempt++) {
                List<StoredVersion> versions = store.versions(subject);
                Optional<SchemaVersion> same = identical(subject, versions, schema);
                if (same.isPresent()) {
                    return new RegisterSchemaResponse(subject, same.get().version(), same.get().id());
                }
                CompatibilityMode mode = effectiveCompatibility(subject);
                List<Incompatibility> problems = CompatibilityChecker.check(schema.avro(), existing(versions), mode);
                if (!problems.isEmpty()) {
                    throw new SchemaIncompatibleException("schema is incompatible with subject '" + subject + "' under "
                            + mode + " compatibility (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ")",
                            problems);
                }
                long id = store.schemaId(schema.type(), schema.fingerprint(), schema.canonical());
                schemas.putIfAbsent(id, schema);
                int next = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
                if (store.addVersion(subject, next, id, clock.instant())) {
                    return new RegisterSchemaResponse(subject, next, id);
                }
                // another process registered a version meanwhile: check again against it, after a random pause
                // so that two writers racing for the same number do not keep colliding
                backOff(attempt);
            }
        }
        throw new EtlException(ErrorCode.CONFLICT, "subject '" + subject + "' kept changing while registering; try again");
    }

    /** {@code POST /api/v1/schema/check-compatibility}: answers without registering. */
    public CompatibilityResult checkCompatibility(CheckCompatibilityRequest request) {
        Objects.requireNonNull(request, "request");
        String subject = checkSubject(request.subject());
        return checkCompatibility(subject, ParsedSchema.parse(request.schemaType(), request.schema(), subject));
    }

    /**
     * Whether {@code register} would accept the schema: checked against the newest version, or every
     * version under a transitive mode. A schema identical to a registered version is compatible.
     */
    public CompatibilityResult checkCompatibility(String subject, ParsedSchema schema) {
        checkSubject(subject);
        List<StoredVersion> versions = store.versions(subject);
        CompatibilityMode mode = effectiveCompatibility(subject);
        if (identical(subject, versions, schema).isPresent()) {
            return new CompatibilityResult(true, mode, List.of());
        }
        List<Incompatibility> problems = CompatibilityChecker.check(schema.avro(), existing(versions), mode);
        return new CompatibilityResult(problems.isEmpty(), mode, problems);
    }

    /** The version of {@code subject} holding a schema identical to this one, if any. */
    public Optional<SchemaVersion> find(String subject, ParsedSchema schema) {
        return identical(checkSubject(subject), store.versions(subject), schema);
    }

    private Optional<SchemaVersion> identical(String subject, List<StoredVersion> versions, ParsedSchema schema) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            StoredVersion v = versions.get(i);
            ParsedSchema p = parsed(v.schemaId());
            if (p.fingerprint().equals(schema.fingerprint())) {
                return Optional.of(toVersion(v, p));
            }
        }
        return Optional.empty();
    }

    private List<Existing> existing(List<StoredVersion> versions) {
        List<Existing> out = new ArrayList<>(versions.size());
        for (int i = versions.size() - 1; i >= 0; i--) {
            out.add(new Existing(versions.get(i).version(), parsed(versions.get(i).schemaId()).avro()));
        }
        return out;
    }

    // ---- read ---------------------------------------------------------------------------------

    /** {@code GET /api/v1/schema/subjects}: every subject with a version, sorted. */
    public List<String> subjects() {
        return store.subjects();
    }

    /**
     * {@code GET /api/v1/schema/subjects/{subject}/versions}.
     *
     * @throws EtlException {@link ErrorCode#NOT_FOUND} for an unknown subject
     */
    public List<Integer> versions(String subject) {
        List<StoredVersion> versions = versionsOrThrow(subject);
        return versions.stream().map(StoredVersion::version).toList();
    }

    /**
     * {@code GET /api/v1/schema/subjects/{subject}/versions/{version|latest}}.
     *
     * @throws EtlException {@link ErrorCode#NOT_FOUND} for an unknown subject or version,
     *                      {@link ErrorCode#CONFIG_INVALID} when the version is neither a number nor {@code latest}
     */
    public SchemaVersion version(String subject, String versionOrLatest) {
        if (versionOrLatest == null || versionOrLatest.equalsIgnoreCase("latest") || versionOrLatest.equals("-1")) {
            return latest(subject);
        }
        int n;
        try {
            n = Integer.parseInt(versionOrLatest.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("version", versionOrLatest, "expected a version number or 'latest'");
        }
        return version(subject, n);
    }

    /** A subject's version. @throws EtlException {@link ErrorCode#NOT_FOUND} when absent */
    public SchemaVersion version(String subject, int version) {
        for (StoredVersion v : versionsOrThrow(subject)) {
            if (v.version() == version) {
                return toVersion(v, parsed(v.schemaId()));
            }
        }
        throw new EtlException(ErrorCode.NOT_FOUND, "subject '" + subject + "' has no version " + version
                + "; it has " + versions(subject));
    }

    /** A subject's newest version. @throws EtlException {@link ErrorCode#NOT_FOUND} for an unknown subject */
    public SchemaVersion latest(String subject) {
        List<StoredVersion> versions = versionsOrThrow(subject);
        StoredVersion v = versions.get(versions.size() - 1);
        return toVersion(v, parsed(v.schemaId()));
    }

    /** A subject's newest version, or empty for an unknown subject. */
    public Optional<SchemaVersion> latestIfAny(String subject) {
        List<StoredVersion> versions = store.versions(checkSubject(subject));
        if (versions.isEmpty()) {
            return Optional.empty();
        }
        StoredVersion v = versions.get(versions.size() - 1);
        return Optional.of(toVersion(v, parsed(v.schemaId())));
    }

    /** The schema with a global id. @throws EtlException {@link ErrorCode#NOT_FOUND} when absent */
    public ParsedSchema schemaById(long id) {
        return parsed(id);
    }

    private List<StoredVersion> versionsOrThrow(String subject) {
        List<StoredVersion> versions = store.versions(checkSubject(subject));
        if (versions.isEmpty()) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no subject '" + subject + "'");
        }
        return versions;
    }

    private ParsedSchema parsed(long id) {
        ParsedSchema cached = schemas.get(id);
        if (cached != null) {
            return cached;
        }
        StoredSchema stored = store.schema(id)
                .orElseThrow(() -> new EtlException(ErrorCode.NOT_FOUND, "no schema with id " + id));
        ParsedSchema p = ParsedSchema.fromCanonical(stored.type(), stored.canonical());
        schemas.putIfAbsent(id, p);
        return p;
    }

    private static SchemaVersion toVersion(StoredVersion v, ParsedSchema p) {
        return new SchemaVersion(v.subject(), v.version(), v.schemaId(), p, v.registeredAt());
    }

    // ---- compatibility config -----------------------------------------------------------------

    /** The global default mode ({@link CompatibilityMode#BACKWARD} until set). */
    public CompatibilityMode globalCompatibility() {
        return store.compatibility(null).orElse(CompatibilityMode.DEFAULT);
    }

    /** {@code PUT /api/v1/schema/config}. */
    public CompatibilityConfig setGlobalCompatibility(CompatibilityMode mode) {
        store.setCompatibility(null, Objects.requireNonNull(mode, "mode"));
        return new CompatibilityConfig(mode);
    }

    /** The mode set on the subject itself, if any. */
    public Optional<CompatibilityMode> subjectCompatibility(String subject) {
        return store.compatibility(checkSubject(subject));
    }

    /** The mode that applies to the subject: its own, else the global default. */
    public CompatibilityMode effectiveCompatibility(String subject) {
        return subjectCompatibility(subject).orElseGet(this::globalCompatibility);
    }

    /** {@code GET /api/v1/schema/config/{subject}}: the mode that applies (its own, else the global default). */
    public CompatibilityConfig compatibility(String subject) {
        return new CompatibilityConfig(effectiveCompatibility(subject));
    }

    /** {@code PUT /api/v1/schema/config/{subject}}; the subject need not have versions yet. */
    public CompatibilityConfig setCompatibility(String subject, CompatibilityMode mode) {
        store.setCompatibility(checkSubject(subject), Objects.requireNonNull(mode, "mode"));
        return new CompatibilityConfig(mode);
    }

    /** Removes the subject's own mode, so the global default applies again. */
    public void clearCompatibility(String subject) {
        store.setCompatibility(checkSubject(subject), null);
    }

    // ---- migration ----------------------------------------------------------------------------

    /**
     * The migration of rows written with version {@code from} of a subject to version {@code to};
     * compiled once and cached.
     *
     * @throws SchemaIncompatibleException when version {@code to} cannot read version {@code from}, with why
     * @throws EtlException                {@link ErrorCode#NOT_FOUND} for an unknown subject or version
     */
    public RecordMigration migration(String subject, int from, int to) {
        SchemaVersion writer = version(subject, from);
        SchemaVersion reader = version(subject, to);
        Map<Long, RecordMigration> byReader = migrations.computeIfAbsent(writer.id(), k -> new ConcurrentHashMap<>());
        RecordMigration cached = byReader.get(reader.id());
        if (cached != null) {
            return cached;
        }
        RecordMigration m = RecordMigration.compile(writer.schema().avro(), reader.schema().avro(),
                new Direction("version " + to, "version " + from, to > from));
        byReader.putIfAbsent(reader.id(), m);
        return m;
    }

    /** Reads a row written with version {@code from} as version {@code to}; see {@link #migration}. */
    public Map<String, Object> migrate(String subject, int from, int to, Map<String, Object> row) {
        return migration(subject, from, to).apply(row);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2L + Math.min(attempt, 10) * 5L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtlException(ErrorCode.CONFLICT, "interrupted while registering a schema");
        }
    }

    private static String checkSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new ConfigException("subject", subject, "is required");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new ConfigException("subject", subject.substring(0, 40) + "...", "is longer than " + MAX_SUBJECT_LENGTH + " characters");
        }
        for (int i = 0; i < subject.length(); i++) {
            if (Character.isISOControl(subject.charAt(i))) {
                throw new ConfigException("subject", subject, "must not contain control characters");
            }
        }
        return subject;
    }
}
