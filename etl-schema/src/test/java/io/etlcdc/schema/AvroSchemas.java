package io.etlcdc.schema;

/** Small builders of Avro schema text for tests. */
final class AvroSchemas {
    private AvroSchemas() {}

    /** A record {@code name} with the given field JSON objects. */
    static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    /** A field with a type given as JSON ({@code "\"int\""}, an object, a union array). */
    static String field(String name, String typeJson) {
        return "{\"name\":\"" + name + "\",\"type\":" + typeJson + "}";
    }

    /** A field with a default given as JSON. */
    static String field(String name, String typeJson, String defaultJson) {
        return "{\"name\":\"" + name + "\",\"type\":" + typeJson + ",\"default\":" + defaultJson + "}";
    }

    static String q(String s) {
        return "\"" + s + "\"";
    }

    static String optional(String typeJson) {
        return "[\"null\"," + typeJson + "]";
    }

    static String enumType(String name, String... symbols) {
        return "{\"type\":\"enum\",\"name\":\"" + name + "\",\"symbols\":[\"" + String.join("\",\"", symbols) + "\"]}";
    }

    static String enumTypeWithDefault(String name, String defaultSymbol, String... symbols) {
        return "{\"type\":\"enum\",\"name\":\"" + name + "\",\"symbols\":[\"" + String.join("\",\"", symbols) + "\"],\"default\":\""
                + defaultSymbol + "\"}";
    }

    static String decimal(int precision, int scale) {
        return "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":" + precision + ",\"scale\":" + scale + "}";
    }
}
