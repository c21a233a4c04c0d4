package io.etlcdc.core.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of responses, logs, status and audit: masks passwords in connection strings and
 * the values of keys that look secret.
 */
public final class Secrets {
    /** What a masked secret is shown as. */
    public static final String MASK = "****";

    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*):([^@\\s]*)@");
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|sslpassword)=)([^&\\s;\"']+)");
    private static final List<String> SECRET_KEY_PARTS = List.of("password", "passwd", "secret", "token", "credential",
            "api_key", "apikey", "private_key", "sasl.jaas.config");

    private Secrets() {}

    /** True when a configuration key name suggests its value is a secret. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_KEY_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Masks passwords in any text: {@code postgresql://u:secret@h/db} becomes {@code postgresql://u:****@h/db},
     * {@code password=secret} becomes {@code password=****}.
     */
    public static String maskText(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = URL_PASSWORD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        return QUERY_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /** Masks every known secret occurrence in text (for values that do not look like secrets by shape). */
    public static String maskKnown(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            if (s != null && s.length() >= 3) {
                out = out.replace(s, MASK);
            }
        }
        return maskText(out);
    }

    /**
     * A deep copy of a configuration map with secret-looking keys masked and passwords in string
     * values (connection strings) masked.
     */
    public static Map<String, Object> maskValues(Map<String, ?> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, isSecretKey(k) && v != null ? MASK : maskValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object maskValue(Object v) {
        if (v instanceof String s) {
            return maskText(s);
        }
        if (v instanceof Map<?, ?> m) {
            return maskValues((Map<String, ?>) m);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Secrets::maskValue).toList();
        }
        return v;
    }
}
