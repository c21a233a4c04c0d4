package io.etlcdc.transform.expr;

import com.hubspot.jinjava.tree.Node;
import io.etlcdc.core.spi.ExpressionEngine;

import java.util.List;
import java.util.Map;

/**
 * A compiled Jinja2 template: immutable, thread-safe, reusable for every record.
 *
 * <p><b>Typed results.</b> A template that is one {@code {{ expression }}} (whitespace around it
 * allowed) evaluates to the expression's value itself: a number stays a number, a list a list,
 * {@code none} is {@code null}. Any other template renders to text as Jinja2 does, and that text is
 * read back as a literal when it is one (a number, {@code True/False/None}, {@code true/false/null},
 * or a list/dict written in JSON or Python syntax); otherwise it stays text.
 */
public final class Template implements ExpressionEngine.CompiledExpression {
    private final String source;
    private final Compiler.Compiled compiled;
    private final Node fallbackRoot;
    private final SandboxedJinjava fallback;
    private final TemplateLimits limits;
    /** The dict/list literal this template writes, when it is one (see {@link LiteralShape}); else null. */
    private final LiteralShape shape;

    Template(String source, Compiler.Compiled compiled, Node fallbackRoot, SandboxedJinjava fallback, TemplateLimits limits) {
        this.source = source;
        this.compiled = compiled;
        this.shape = compiled == null || compiled.parts() == null ? null : LiteralShape.of(compiled.parts());
        this.fallbackRoot = fallbackRoot;
        this.fallback = fallback;
        this.limits = limits;
    }

    /** The template text as written. */
    public String source() {
        return source;
    }

    /** True when the template runs as compiled closures; false when it runs on the Jinjava interpreter. */
    public boolean isCompiled() {
        return compiled != null;
    }

    /**
     * The typed value of the template on one record (see the class doc).
     *
     * @throws PyException when the template fails on this record (type error, undefined use, limits)
     */
    @Override
    public Object evaluate(Map<String, Object> variables) {
        if (compiled == null) {
            return LiteralParser.typed(fallback.render(fallbackRoot, variables));
        }
        Frame f = new Frame(variables, limits);
        if (compiled.single() != null) {
            Object v = compiled.single().eval(f);
            return v instanceof Undefined ? null : v;
        }
        if (shape != null) {
            return shape.evaluate(f);
        }
        return LiteralParser.typed(renderBody(f));
    }

    /** True when the template's typed value is built from its literal's shape, without rendering text. */
    boolean hasLiteralShape() {
        return shape != null;
    }

    /** The template rendered to text, as Jinja2's {@code Template.render} would. */
    public String render(Map<String, Object> variables) {
        if (compiled == null) {
            return fallback.render(fallbackRoot, variables);
        }
        Frame f = new Frame(variables, limits);
        if (compiled.single() != null) {
            return Py.str(compiled.single().eval(f));
        }
        return renderBody(f);
    }

    private String renderBody(Frame f) {
        StringBuilder out = new StringBuilder(64);
        List<Compiler.Stmt> body = compiled.body();
        for (int i = 0, n = body.size(); i < n; i++) {
            body.get(i).exec(f, out);
        }
        return out.toString();
    }

    /** Whether the typed value is truthy in Jinja2's sense (what a {@code filter} rule keeps). */
    @Override
    public boolean test(Map<String, Object> variables) {
        return Py.truthy(evaluate(variables));
    }

    @Override
    public String toString() {
        return source;
    }
}
