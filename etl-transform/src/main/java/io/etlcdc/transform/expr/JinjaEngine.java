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
        checkShape(source);
        String prepared = Compiler.applyWhitespaceControl(source);
        try {
            return jinjava.withInterpreter(() -> {
                Node root = jinjava.parse(prepared);
                Compiler compiler = new Compiler(prepared, functions);
                try {
                    return new Template(source, compiler.compile(root), null, jinjava, limits);
                } catch (Compiler.Unsupported unsupported) {
                    return new Template(source, null, root, jinjava, limits);
                }
            });
        } catch (StackOverflowError tooDeep) {
            throw new TemplateSyntaxException(1, 0, "the template is nested too deeply to parse; simplify it");
        }
    }

    /** Deeper nesting than this (brackets, or block tags) is refused before parsing: parsers recurse per level. */
    static final int MAX_NESTING = 64;
    private static final Pattern BLOCK_TAG = Pattern.compile("\\{%-?\\s*(?:(if|for|macro|call|filter|raw|block|with|autoescape)\\b|end\\w*)");

    /**
     * Refuses, before any parser sees them, templates that name the interpreter's internal variable
     * (it would print the interpreter) or nest deeper than {@link #MAX_NESTING} levels (parsers
     * recurse, and backtrack, per level: thousands of levels overflow the stack or take minutes).
     */
    private static void checkShape(String source) {
        if (source.contains(Compiler.INTERPRETER_PLACEHOLDER)) {
            throw new TemplateSyntaxException(1, source.indexOf(Compiler.INTERPRETER_PLACEHOLDER) + 1,
                    "'" + Compiler.INTERPRETER_PLACEHOLDER + "' is reserved by the template engine");
        }
        int depth = 0;
        int line = 1;
        char quote = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            char next = i + 1 < source.length() ? source.charAt(i + 1) : 0;
            if ((c == '{' && "{%#".indexOf(next) >= 0 && next != 0) || ("}%#".indexOf(c) >= 0 && next == '}')) {
                i++; // a template delimiter, not a bracket
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_NESTING) {
                    throw new TemplateSyntaxException(line, 0, "brackets nested more than " + MAX_NESTING + " levels deep; simplify the expression");
                }
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        int blocks = 0;
        java.util.regex.Matcher m = BLOCK_TAG.matcher(source);
        while (m.find()) {
            blocks = Math.max(0, blocks + (m.group(1) != null ? 1 : -1));
            if (blocks > MAX_NESTING) {
                throw new TemplateSyntaxException(1, m.start() + 1, "block tags nested more than " + MAX_NESTING + " levels deep; simplify the template");
            }
        }
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
