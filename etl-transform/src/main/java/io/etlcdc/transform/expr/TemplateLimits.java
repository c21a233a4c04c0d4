package io.etlcdc.transform.expr;

/**
 * Bounds every evaluation of a template on one record, so that no rule can exhaust memory or time.
 *
 * @param maxOutputChars     longest rendered text or string a template may build
 * @param maxCollectionSize  largest list or map a template may build ({@code range}, repetition, ...)
 * @param maxSteps           loop iterations plus calls per evaluation
 * @param maxMillis          wall-clock budget per evaluation, checked every few hundred steps
 */
public record TemplateLimits(int maxOutputChars, int maxCollectionSize, long maxSteps, long maxMillis) {

    /** 1 MB of text, 100k elements, 1M steps, 2 s per record. */
    public static final TemplateLimits DEFAULT = new TemplateLimits(1_000_000, 100_000, 1_000_000, 2_000);

    public TemplateLimits {
        if (maxOutputChars <= 0 || maxCollectionSize <= 0 || maxSteps <= 0 || maxMillis <= 0) {
            throw new IllegalArgumentException("template limits must be positive: " + maxOutputChars + ", "
                    + maxCollectionSize + ", " + maxSteps + ", " + maxMillis);
        }
    }
}
