package io.etlcdc.transform.expr;

import com.hubspot.jinjava.tree.Node;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.TransformFunction;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Compiles Jinja2 templates with Python Jinja2's semantics: parsed by Jinjava, compiled to Java
 * closures, run sandboxed. Templates the compiler does not translate (macros, call blocks, ...) run
 * on a sandboxed Jinjava interpreter instead. Thread-safe; compile once, evaluate per record.
 *
 * <pre>{@code
 * JinjaEngine engine = JinjaEngine.builder().build();
 * Template t = engine.compile("{{ price + tax }}");
 * Object total = t.evaluate(Map.of("price", 10, "tax", 2.5));   // 12.5
 * }</pre>
 */
public final class JinjaEngine implements ExpressionEngine {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final TemplateLimits limits;
    private final Map<String, TransformFunction> functions;
    private final SandboxedJinjava jinjava;

    private JinjaEngine(Builder b) {
        this.limits = b.limits;
        this.functions = Map.copyOf(b.functions);
        this.jinjava = new SandboxedJinjava(limits);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The custom functions callable by name in templates. */
    public Map<String, TransformFunction> functions() {
        return functions;
    }

    public TemplateLimits limits() {
        return limits;
    }

    /**
     * Parses and compiles a template.
     *
     * @throws TemplateSyntaxException with the line, column and reason when it is invalid or uses a refused feature
     */
    @Override
    public Template compile(String source) {
        Objects.requireNonNull(source, "template");
        String prepared = Compiler.applyWhitespaceControl(source);
        return jinjava.withInterpreter(() -> {
            Node root = jinjava.parse(prepared);
            Compiler compiler = new Compiler(prepared, functions);
            try {
                return new Template(source, compiler.compile(root), null, jinjava, limits);
            } catch (Compiler.Unsupported unsupported) {
                return new Template(source, null, root, jinjava, limits);
            }
        });
    }

    /** Builds a {@link JinjaEngine}. */
    public static final class Builder {
        private TemplateLimits limits = TemplateLimits.DEFAULT;
        private final Map<String, TransformFunction> functions = new LinkedHashMap<>();

        private Builder() {}

        public Builder limits(TemplateLimits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** Adds a function callable by {@link TransformFunction#name()}. */
        public Builder function(TransformFunction fn) {
            String name = fn.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("function name '" + name + "' of " + fn.getClass().getName() + " is not an identifier");
            }
            TransformFunction existing = functions.putIfAbsent(name, fn);
            if (existing != null && existing.getClass() != fn.getClass()) {
                throw new IllegalArgumentException("function '" + name + "' is provided by both " + existing.getClass().getName()
                        + " and " + fn.getClass().getName());
            }
            return this;
        }

        /** Adds every {@link TransformFunction} that {@link ServiceLoader} finds through {@code loader}. */
        public Builder loadFunctions(ClassLoader loader) {
            for (TransformFunction fn : ServiceLoader.load(TransformFunction.class, loader)) {
                function(fn);
            }
            return this;
        }

        public JinjaEngine build() {
            return new JinjaEngine(this);
        }
    }
}
