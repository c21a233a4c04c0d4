/**
 * The answers of lineage queries, as immutable records whose JSON (snake_case names) is what the
 * server returns from {@code /api/v1/lineage/...}. Lists are never null; a field that does not apply
 * is left out of the JSON.
 */
package io.etlcdc.lineage.query;
