package io.etlcdc.schema;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides whether a reader schema can read data written with a writer schema, with Avro's own
 * {@link SchemaCompatibility}, and turns its findings into {@link Incompatibility}s that name the field,
 * what changed, and why readers break. On top of Avro's rules (which ignore logical types) it refuses
 * decimal changes that lose digits and changes between unrelated logical types, because rows carry
 * logical values (BigDecimal, LocalDate, ...). Stateless and thread-safe.
 */
final class CompatibilityChecker {
    private CompatibilityChecker() {}

    /**
     * Who reads and who wrote, for messages.
     *
     * @param reader        e.g. {@code the new schema} or {@code version 2}
     * @param writer        e.g. {@code version 1}
     * @param readerIsNewer true when the reader is the later schema (a change seen as "added"), false when
     *                      the writer is (seen as "removed")
     */
    record Direction(String reader, String writer, boolean readerIsNewer) {}

    /** A registered version to check against, newest first. */
    record Existing(int version, Schema schema) {}

    /** Every problem of registering {@code candidate} under {@code mode}, given the subject's versions newest first. */
    static List<Incompatibility> check(Schema candidate, List<Existing> newestFirst, CompatibilityMode mode) {
        if (mode == CompatibilityMode.NONE || newestFirst.isEmpty()) {
            return List.of();
        }
        List<Existing> against = mode.transitive() ? newestFirst : newestFirst.subList(0, 1);
        List<Incompatibility> out = new ArrayList<>();
        for (Existing e : against) {
            String old = "version " + e.version();
            if (mode.backward()) {
                out.addAll(check(candidate, e.schema(), new Direction("the new schema", old, true)));
            }
            if (mode.forward()) {
                out.addAll(check(e.schema(), candidate, new Direction(old, "the new schema", false)));
            }
        }
        return out;
    }

    /** Every reason {@code reader} cannot read data written with {@code writer}; empty when it can. */
    static List<Incompatibility> check(Schema reader, Schema writer, Direction d) {
        List<Incompatibility> out = new ArrayList<>();
        collect(reader, writer, "", d, out);
        logicalTypes(reader, writer, "", d, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collect(Schema reader, Schema writer, String base, Direction d, List<Incompatibility> out) {
        SchemaCompatibility.SchemaCompatibilityResult result;
        try {
            result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        } catch (AvroRuntimeException e) {
            out.add(new Incompatibility(display(base), "cannot be resolved: " + e.getMessage()));
            return;
        }
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (SchemaCompatibility.Incompatibility i : result.getIncompatibilities()) {
            List<String> tokens = tokens(i.getLocation());
            String path = join(base, path(reader, tokens));
            switch (i.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE -> out.add(missingDefault(i, path, d));
                case TYPE_MISMATCH -> out.add(typeMismatch(i.getReaderFragment(), i.getWriterFragment(), path, d));
                case MISSING_ENUM_SYMBOLS -> out.add(enumSymbols(i, path, d));
                case MISSING_UNION_BRANCH -> unionBranch(i, tokens, path, d, out);
                case NAME_MISMATCH -> out.add(new Incompatibility(display(path), kind(i.getReaderFragment()) + " name changed from '"
                        + i.getWriterFragment().getFullName() + "' (" + d.writer() + ") to '" + i.getReaderFragment().getFullName()
                        + "' (" + d.reader() + "): Avro matches named types by name, so " + d.reader()
                        + " cannot read records written with " + d.writer() + "; keep the name or list the old one in 'aliases'"));
                case FIXED_SIZE_MISMATCH -> out.add(new Incompatibility(display(path), "fixed size changed from "
                        + i.getWriterFragment().getFixedSize() + " (" + d.writer() + ") to " + i.getReaderFragment().getFixedSize()
                        + " (" + d.reader() + "): values of one size cannot be read as the other"));
            }
        }
    }

    /** {@code fieldPath} already ends with the field: Avro points at the reader field itself. */
    private static Incompatibility missingDefault(SchemaCompatibility.Incompatibility i, String fieldPath, Direction d) {
        String fieldName = i.getMessage();
        Schema.Field field = i.getReaderFragment().getType() == Schema.Type.RECORD ? i.getReaderFragment().getField(fieldName) : null;
        String column = field == null ? fieldName : TableSchemaAvro.columnName(field);
        String path = fieldPath.isEmpty() ? column : fieldPath;
        String type = field == null ? "" : " (" + describe(field.schema()) + ")";
        if (d.readerIsNewer()) {
            return new Incompatibility(path, "field '" + path + "'" + type + " was added without a default value: "
                    + d.reader() + " cannot fill it when reading records written with " + d.writer() + ", which have no '"
                    + column + "'; give it a default (null for an optional field)");
        }
        return new Incompatibility(path, "field '" + path + "'" + type + " was removed (or renamed without an alias), but "
                + d.reader() + " declares it without a default value: readers on " + d.reader()
                + " cannot read records written with " + d.writer() + ", which lack it");
    }

    private static Incompatibility typeMismatch(Schema reader, Schema writer, String path, Direction d) {
        String what0 = path.isEmpty() ? "the schema" : "field '" + path + "'";
        if (writer.getType() == Schema.Type.NULL) {
            // a null branch of the writer's union that the reader has no room for
            return new Incompatibility(display(path), what0 + (d.readerIsNewer() ? " no longer accepts null: " : " became nullable: ")
                    + d.reader() + " expects " + describe(reader) + " and cannot read the nulls written with " + d.writer());
        }
        String from = describe(d.readerIsNewer() ? writer : reader);
        String to = describe(d.readerIsNewer() ? reader : writer);
        String what = path.isEmpty() ? "the schema" : "field '" + path + "'";
        return new Incompatibility(display(path), what + " changed type from " + from + " to " + to + ": " + d.reader()
                + " expects " + describe(reader) + " and cannot read the " + describe(writer) + " values written with " + d.writer()
                + " (Avro promotes only int→long→float→double and string↔bytes)");
    }

    private static Incompatibility enumSymbols(SchemaCompatibility.Incompatibility i, String path, Direction d) {
        Set<String> missing = new TreeSet<>(i.getWriterFragment().getEnumSymbols());
        missing.removeAll(i.getReaderFragment().getEnumSymbols());
        String what = path.isEmpty() ? "enum '" + i.getReaderFragment().getName() + "'" : "enum field '" + path + "'";
        if (d.readerIsNewer()) {
            return new Incompatibility(display(path), what + ": symbol(s) " + missing + " removed: " + d.reader()
                    + " cannot read records written with " + d.writer() + " that hold them (an enum 'default' would let it)");
        }
        return new Incompatibility(display(path), what + ": symbol(s) " + missing + " added: readers on " + d.reader()
                + " do not know them and have no enum 'default', so they cannot read records written with " + d.writer()
                + " that hold them");
    }

    /** A writer union branch the reader cannot take: explain the branch's own problem when the reader has a branch of its kind. */
    private static void unionBranch(SchemaCompatibility.Incompatibility i, List<String> tokens, String path, Direction d,
                                    List<Incompatibility> out) {
        Schema writer = i.getWriterFragment();
        if (writer.getType() == Schema.Type.UNION && !tokens.isEmpty() && isIndex(tokens.get(tokens.size() - 1))) {
            writer = writer.getTypes().get(Integer.parseInt(tokens.get(tokens.size() - 1)));
        }
        Schema reader = i.getReaderFragment();
        List<Schema> candidates = reader.getType() == Schema.Type.UNION ? reader.getTypes() : List.of(reader);
        for (Schema candidate : candidates) {
            if (sameKind(candidate, writer)) {
                int before = out.size();
                collect(candidate, writer, path, d, out);
                if (out.size() > before) {
                    return;
                }
            }
        }
        String what = path.isEmpty() ? "the schema" : "field '" + path + "'";
        if (d.readerIsNewer()) {
            out.add(new Incompatibility(display(path), what + " no longer accepts " + describe(writer) + ": " + d.reader() + " ("
                    + describe(reader) + ") cannot read the " + describe(writer) + " values written with " + d.writer()));
        } else {
            out.add(new Incompatibility(display(path), what + " was widened to accept " + describe(writer) + ": readers on "
                    + d.reader() + " (" + describe(reader) + ") cannot read the " + describe(writer) + " values written with "
                    + d.writer()));
        }
    }

    private static boolean sameKind(Schema a, Schema b) {
        if (a.getType() != b.getType()) {
            return false;
        }
        return switch (a.getType()) {
            case RECORD, ENUM, FIXED -> SchemaCompatibility.schemaNameEquals(a, b);
            default -> true;
        };
    }

    // ---- logical types ------------------------------------------------------------------------

    private static void logicalTypes(Schema reader, Schema writer, String path, Direction d, List<Incompatibility> out,
                                     Set<Object> visiting) {
        if (reader.getType() == Schema.Type.UNION || writer.getType() == Schema.Type.UNION) {
            List<Schema> writers = writer.getType() == Schema.Type.UNION ? writer.getTypes() : List.of(writer);
            List<Schema> readers = reader.getType() == Schema.Type.UNION ? reader.getTypes() : List.of(reader);
            for (Schema w : writers) {
                for (Schema r : readers) {
                    if (sameKind(r, w)) {
                        logicalTypes(r, w, path, d, out, visiting);
                        break;
                    }
                }
            }
            return;
        }
        if (reader.getType() != writer.getType()) {
            return;
        }
        switch (reader.getType()) {
            case RECORD -> {
                if (!visiting.add(reader)) {
                    return;
                }
                for (Schema.Field rf : reader.getFields()) {
                    Schema.Field wf;
                    try {
                        wf = SchemaCompatibility.lookupWriterField(writer, rf);
                    } catch (AvroRuntimeException ambiguous) {
                        continue;
                    }
                    if (wf != null) {
                        logicalTypes(rf.schema(), wf.schema(), join(path, TableSchemaAvro.columnName(rf)), d, out, visiting);
                    }
                }
                visiting.remove(reader);
            }
            case ARRAY -> logicalTypes(reader.getElementType(), writer.getElementType(), path + "[]", d, out, visiting);
            case MAP -> logicalTypes(reader.getValueType(), writer.getValueType(), path + "{}", d, out, visiting);
            default -> leaf(reader, writer, path, d, out);
        }
    }

    private static void leaf(Schema reader, Schema writer, String path, Direction d, List<Incompatibility> out) {
        LogicalType r = reader.getLogicalType();
        LogicalType w = writer.getLogicalType();
        if (r == null || w == null) {
            return;
        }
        String what = path.isEmpty() ? "the schema" : "field '" + path + "'";
        if (r instanceof LogicalTypes.Decimal rd && w instanceof LogicalTypes.Decimal wd) {
            String from = describe(d.readerIsNewer() ? writer : reader);
            String to = describe(d.readerIsNewer() ? reader : writer);
            if (rd.getScale() < wd.getScale()) {
                out.add(new Incompatibility(display(path), what + " changed from " + from + " to " + to + ": " + d.reader()
                        + " keeps " + rd.getScale() + " decimal places and would have to round values written with " + d.writer()
                        + " (" + wd.getScale() + " places)"));
            } else if (rd.getPrecision() - rd.getScale() < wd.getPrecision() - wd.getScale()) {
                out.add(new Incompatibility(display(path), what + " changed from " + from + " to " + to + ": " + d.reader()
                        + " holds " + (rd.getPrecision() - rd.getScale()) + " integer digits, fewer than the "
                        + (wd.getPrecision() - wd.getScale()) + " of values written with " + d.writer()));
            }
            return;
        }
        if (!family(r).equals(family(w))) {
            out.add(new Incompatibility(display(path), what + " changed logical type from " + (d.readerIsNewer() ? w : r).getName()
                    + " to " + (d.readerIsNewer() ? r : w).getName() + ": the values written with " + d.writer()
                    + " mean something else to " + d.reader()));
        }
    }

    /** Logical types that differ only in precision read each other's row values (LocalTime, Instant, ...). */
    private static String family(LogicalType t) {
        String n = t.getName();
        if (n.startsWith("local-timestamp-")) {
            return "local-timestamp";
        }
        if (n.startsWith("timestamp-")) {
            return "timestamp";
        }
        if (n.startsWith("time-")) {
            return "time";
        }
        return n;
    }

    // ---- paths and descriptions ---------------------------------------------------------------

    private static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return out;
        }
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** The dotted field path of an Avro location (a JSON pointer into the reader schema). */
    private static String path(Schema reader, List<String> tokens) {
        StringBuilder path = new StringBuilder();
        Schema node = reader;
        for (int i = 0; i < tokens.size() && node != null; i++) {
            String t = tokens.get(i);
            switch (t) {
                case "fields" -> {
                    if (i + 1 >= tokens.size() || node.getType() != Schema.Type.RECORD || !isIndex(tokens.get(i + 1))) {
                        return path.toString();
                    }
                    int pos = Integer.parseInt(tokens.get(++i));
                    if (pos >= node.getFields().size()) {
                        return path.toString();
                    }
                    Schema.Field f = node.getFields().get(pos);
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(TableSchemaAvro.columnName(f));
                    node = f.schema();
                }
                case "type" -> { }
                case "items" -> {
                    path.append("[]");
                    node = node.getType() == Schema.Type.ARRAY ? node.getElementType() : null;
                }
                case "values" -> {
                    path.append("{}");
                    node = node.getType() == Schema.Type.MAP ? node.getValueType() : null;
                }
                default -> {
                    return path.toString();
                }
            }
        }
        return path.toString();
    }

    private static boolean isIndex(String t) {
        return !t.isEmpty() && t.chars().allMatch(Character::isDigit);
    }

    private static String join(String base, String rest) {
        if (base.isEmpty()) {
            return rest;
        }
        if (rest.isEmpty()) {
            return base;
        }
        return rest.startsWith("[") || rest.startsWith("{") ? base + rest : base + "." + rest;
    }

    private static String display(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private static String kind(Schema s) {
        return switch (s.getType()) {
            case RECORD -> "record";
            case ENUM -> "enum";
            case FIXED -> "fixed";
            default -> s.getType().getName();
        };
    }

    /** A short readable type: {@code string}, {@code decimal(10,2)}, {@code null | long}, {@code array<int>}, {@code record a.B}. */
    static String describe(Schema s) {
        LogicalType lt = s.getLogicalType();
        if (lt instanceof LogicalTypes.Decimal dec) {
            return "decimal(" + dec.getPrecision() + "," + dec.getScale() + ")";
        }
        if (lt != null) {
            return lt.getName();
        }
        return switch (s.getType()) {
            case RECORD -> "record " + s.getFullName();
            case ENUM -> "enum " + s.getFullName();
            case FIXED -> "fixed(" + s.getFixedSize() + ")";
            case ARRAY -> "array<" + describe(s.getElementType()) + ">";
            case MAP -> "map<" + describe(s.getValueType()) + ">";
            case UNION -> s.getTypes().stream().map(CompatibilityChecker::describe).collect(Collectors.joining(" | "));
            default -> s.getType().getName();
        };
    }
}
