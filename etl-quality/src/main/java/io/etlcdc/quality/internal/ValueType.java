package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;

import java.util.Locale;
import java.util.Optional;

/** The types a {@code type} check can require. */
@Internal
public enum ValueType {
    STRING, INTEGER, NUMBER, BOOLEAN, TIMESTAMP, DATE, EMAIL, UUID, JSON;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ValueType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (ValueType t : values()) {
            if (t.apiName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static String[] apiNames() {
        ValueType[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].apiName();
        }
        return names;
    }
}
