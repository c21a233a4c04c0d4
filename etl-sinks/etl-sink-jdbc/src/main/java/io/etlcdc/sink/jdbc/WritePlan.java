package io.etlcdc.sink.jdbc;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.TableSchema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What one batch does to the target, reduced to the net effect per row: the batch is cut into
 * segments at every TRUNCATE and DDL event (which apply in order between them), and within a segment
 * each table's changes are folded per primary key into either a delete or an upsert of the columns
 * known. Folding keeps the order of changes to one key (the last one wins) and merges rows so that a
 * column an UPDATE left unchanged (PostgreSQL TOAST) takes the value an earlier event of the same
 * batch gave it, or else is left out of the upsert and keeps its stored value.
 *
 * <p>Immutable once built; not thread-safe while building.
 */
final class WritePlan {

    /** One step, applied in order. */
    sealed interface Step permits RowChanges, Truncate, Ddl {
    }

    /** Net row changes of a segment, per source collection, in order of first appearance. */
    record RowChanges(Map<String, TableChanges> tables) implements Step {
    }

    /** Empty the table of {@code event.collection()}. */
    record Truncate(ChangeEvent event) implements Step {
    }

    /** A DDL statement seen in the stream (not replayed; see {@link JdbcSink}). */
    record Ddl(ChangeEvent event) implements Step {
    }

    /**
     * One key's net change.
     *
     * @param delete true to delete the row with {@code key}
     * @param key    the primary key columns and values
     * @param row    the columns to write (key columns included), null for a delete
     */
    record RowChange(boolean delete, Map<String, Object> key, Map<String, Object> row) {
    }

    /** The net changes of one source collection within a segment. */
    static final class TableChanges {
        private final String collection;
        private final String table;
        private final List<String> keyColumns;
        private TableSchema schema;
        private final Map<Map<String, Object>, RowChange> byKey = new LinkedHashMap<>();

        TableChanges(String collection, String table, List<String> keyColumns) {
            this.collection = collection;
            this.table = table;
            this.keyColumns = List.copyOf(keyColumns);
        }

        String collection() { return collection; }
        /** The unqualified table name ({@code users} for {@code public.users}). */
        String table() { return table; }
        List<String> keyColumns() { return keyColumns; }
        /** The newest schema an event of this segment carried, or null. */
        TableSchema schema() { return schema; }
        /** Net changes, one per key. */
        Iterable<RowChange> changes() { return Collections.unmodifiableCollection(byKey.values()); }
        int size() { return byKey.size(); }

        void apply(ChangeEvent e, Map<String, Object> key) {
            if (e.schema() != null) {
                schema = e.schema();
            }
            if (e.operation() == Operation.DELETE) {
                byKey.put(key, new RowChange(true, key, null));
                return;
            }
            if (e.operation() == Operation.UPDATE && e.before() != null) {
                Map<String, Object> oldKey = keyOf(keyColumns, null, e.before());
                if (oldKey != null && !oldKey.equals(key)) {
                    // the primary key itself changed: the old row goes away
                    byKey.put(oldKey, new RowChange(true, oldKey, null));
                }
            }
            Map<String, Object> row = new LinkedHashMap<>(e.after());
            key.forEach(row::putIfAbsent);
            RowChange previous = byKey.get(key);
            if (previous != null && !previous.delete() && !e.unchangedFields().isEmpty()) {
                for (String unchanged : e.unchangedFields()) {
                    if (!row.containsKey(unchanged) && previous.row().containsKey(unchanged)) {
                        row.put(unchanged, previous.row().get(unchanged));
                    }
                }
            }
            // a column named unchanged is never written, even if a transform put a placeholder back
            for (String unchanged : e.unchangedFields()) {
                if (previous == null || previous.delete() || !previous.row().containsKey(unchanged)) {
                    row.remove(unchanged);
                }
            }
            byKey.put(key, new RowChange(false, key, row));
        }
    }

    private final List<Step> steps;
    private final int events;

    private WritePlan(List<Step> steps, int events) {
        this.steps = steps;
        this.events = events;
    }

    List<Step> steps() {
        return steps;
    }

    /** How many events the plan covers (refused ones excluded). */
    int events() {
        return events;
    }

    /**
     * Plans a batch.
     *
     * @param batch   events in order
     * @param refused told about each event that cannot be written at all (no key), with why
     */
    static WritePlan of(List<ChangeEvent> batch, BiConsumer<ChangeEvent, String> refused) {
        List<Step> steps = new ArrayList<>();
        Map<String, TableChanges> segment = new LinkedHashMap<>();
        int planned = 0;
        for (ChangeEvent e : batch) {
            switch (e.operation()) {
                case TRUNCATE, DDL -> {
                    if (!segment.isEmpty()) {
                        steps.add(new RowChanges(segment));
                        segment = new LinkedHashMap<>();
                    }
                    steps.add(e.operation() == Operation.TRUNCATE ? new Truncate(e) : new Ddl(e));
                    planned++;
                }
                default -> {
                    List<String> keyColumns = keyColumns(e);
                    Map<String, Object> key = keyColumns.isEmpty() ? null : keyOf(keyColumns, e.key(), e.data());
                    if (key == null) {
                        refused.accept(e, "no primary key: the jdbc sink writes by key, and " + e.collection()
                                + (keyColumns.isEmpty() ? " has no key columns" : " event lacks key values for " + keyColumns));
                        continue;
                    }
                    TableChanges table = segment.get(e.collection());
                    if (table != null && !table.keyColumns().equals(keyColumns)) {
                        // the key definition changed mid-batch: close the segment so each part folds on its own key
                        steps.add(new RowChanges(segment));
                        segment = new LinkedHashMap<>();
                        table = null;
                    }
                    if (table == null) {
                        table = new TableChanges(e.collection(), e.table(), keyColumns);
                        segment.put(e.collection(), table);
                    }
                    table.apply(e, key);
                    planned++;
                }
            }
        }
        if (!segment.isEmpty()) {
            steps.add(new RowChanges(segment));
        }
        return new WritePlan(List.copyOf(steps), planned);
    }

    /** The key columns: the event's key map, else the schema's primary key. */
    static List<String> keyColumns(ChangeEvent e) {
        if (e.key() != null && !e.key().isEmpty()) {
            return List.copyOf(e.key().keySet());
        }
        if (e.schema() != null) {
            return e.schema().primaryKey();
        }
        return List.of();
    }

    /** The key values, from {@code key} when it has them, else from {@code row}; null when one is missing. */
    static Map<String, Object> keyOf(List<String> columns, Map<String, Object> key, Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String c : columns) {
            Object v;
            if (key != null && key.containsKey(c)) {
                v = key.get(c);
            } else if (row != null && row.containsKey(c)) {
                v = row.get(c);
            } else {
                return null;
            }
            if (v == null) {
                return null;
            }
            out.put(c, v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "WritePlan[" + steps.size() + " steps, " + events + " events]";
    }
}
