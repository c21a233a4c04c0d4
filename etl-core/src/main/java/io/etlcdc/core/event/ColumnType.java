package io.etlcdc.core.event;

/**
 * The product's logical column types, shared by sources (which map database types onto them), the
 * schema registry (which maps them to Avro) and sinks (which create tables from them). The Java
 * value each type carries in {@link ChangeEvent} rows is given in brackets.
 */
public enum ColumnType {
    /** [Boolean] */
    BOOLEAN,
    /** [Integer] 8-, 16- and 32-bit integers. */
    INT32,
    /** [Long] */
    INT64,
    /** [Float] */
    FLOAT32,
    /** [Double] */
    FLOAT64,
    /** [BigDecimal] numeric/decimal with the column's precision and scale. */
    DECIMAL,
    /** [String] */
    STRING,
    /** [byte[]] */
    BYTES,
    /** [LocalDate] */
    DATE,
    /** [LocalTime] */
    TIME,
    /** [LocalDateTime] timestamp without time zone. */
    TIMESTAMP,
    /** [Instant] timestamp with time zone. */
    TIMESTAMP_TZ,
    /** [String] canonical lower-case form. */
    UUID,
    /** [String] the JSON text, as the database gives it. */
    JSON,
    /** [List] */
    ARRAY,
    /** [Map] nested documents (MongoDB). */
    STRUCT,
    /** [String] a type the source could not map; the column's {@code sourceType} names it. */
    UNKNOWN
}
