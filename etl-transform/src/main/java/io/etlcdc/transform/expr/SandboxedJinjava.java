package io.etlcdc.transform.expr;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;

import java.util.Map;
import java.util.Set;

/**
 * Jinjava configured as a sandbox: the interpreter behind templates the compiler does not translate,
 * and the parser for all templates. Allowlisting EL resolver, include/import/extends/from disabled,
 * nested interpretation off, output/string/list/map/range limits, and a step and time budget
 * enforced on every rendered node. Thread-safe.
 */
@SuppressWarnings("deprecation")
final class SandboxedJinjava {
    private static final ThreadLocal<Frame> BUDGET = new ThreadLocal<>();
    private final Jinjava jinjava;
    private final TemplateLimits limits;

    SandboxedJinjava(TemplateLimits limits) {
        this.limits = limits;
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withElResolver(new AllowlistELResolver())
                .withDisabled(Map.of(
                        Context.Library.TAG, Set.of("include", "import", "from", "extends"),
                        Context.Library.FILTER, Set.of("center", "format", "indent", "wordwrap", "random", "shuffle", "pprint"),
                        Context.Library.FUNCTION, Set.of("range")))
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withMaxListSize(limits.maxCollectionSize())
                .withMaxMapSize(limits.maxCollectionSize())
                .withRangeLimit(Math.min(limits.maxCollectionSize(), 10_000))
                .withMaxRenderDepth(10)
                .withEnableRecursiveMacroCalls(false)
                .withFailOnUnknownTokens(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .build())
                .withNodePreProcessor((node, interpreter) -> {
                    Frame budget = BUDGET.get();
                    if (budget != null) {
                        budget.step();
                    }
                })
                .build();
        this.jinjava = new Jinjava(config);
    }

    /** Parses a template (already whitespace-controlled) into Jinjava's node tree. */
    Node parse(String prepared) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            return Compiler.parse(interpreter, prepared);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /** Runs {@code body} with a Jinjava interpreter pushed as current, as Jinjava's EL parser requires. */
    <T> T withInterpreter(java.util.function.Supplier<T> body) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            return body.get();
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /** Renders a pre-parsed template on one record, sandboxed. */
    String render(Node root, Map<String, Object> record) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        if (record != null) {
            interpreter.getContext().putAll(record);
        }
        Frame budget = new Frame(record, limits);
        BUDGET.set(budget);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            String out = interpreter.render(root, false);
            for (TemplateError e : interpreter.getErrors()) {
                if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                    throw new PyException("TemplateError", "line " + e.getLineno() + ": " + e.getMessage());
                }
            }
            return out;
        } finally {
            JinjavaInterpreter.popCurrent();
            BUDGET.remove();
        }
    }
}
