package io.etlcdc.core.spi;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The providers of one kind that are available, found with {@link ServiceLoader} and/or registered
 * explicitly. Lookups explain themselves: an unknown type names itself and lists the known ones; two
 * providers claiming one name fail with both class names.
 *
 * <pre>{@code
 * ProviderRegistry<SourceProvider> sources = ProviderRegistry.load(SourceProvider.class, classLoader);
 * Source source = sources.get("postgresql").create(context);
 * }</pre>
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends Provider> {
    private final Class<P> kind;
    private final Map<String, P> byName = new TreeMap<>();
    private final Map<String, P> canonical = new TreeMap<>();

    private ProviderRegistry(Class<P> kind) {
        this.kind = kind;
    }

    /** An empty registry; add providers with {@link #register(Provider)}. */
    public static <P extends Provider> ProviderRegistry<P> empty(Class<P> kind) {
        return new ProviderRegistry<>(kind);
    }

    /** Every provider of {@code kind} that {@link ServiceLoader} finds through {@code classLoader}. */
    public static <P extends Provider> ProviderRegistry<P> load(Class<P> kind, ClassLoader classLoader) {
        ProviderRegistry<P> registry = new ProviderRegistry<>(kind);
        registry.loadFrom(classLoader);
        return registry;
    }

    /** Adds every provider {@link ServiceLoader} finds through {@code classLoader} (for plugin class loaders). */
    public ProviderRegistry<P> loadFrom(ClassLoader classLoader) {
        try {
            for (P provider : ServiceLoader.load(kind, classLoader)) {
                if (!canonical.containsValue(provider) && !alreadyHasClass(provider)) {
                    register(provider);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new EtlException(ErrorCode.INTERNAL, "could not load a " + kindName() + " provider: " + e.getMessage(), e);
        }
        return this;
    }

    private boolean alreadyHasClass(P provider) {
        return canonical.values().stream().anyMatch(p -> p.getClass().getName().equals(provider.getClass().getName())
                && p.getClass().getClassLoader() == provider.getClass().getClassLoader());
    }

    /**
     * Registers a provider explicitly (besides those ServiceLoader found).
     *
     * @throws EtlException {@link ErrorCode#DUPLICATE_PROVIDER} naming both classes when its name or an alias is taken
     */
    public synchronized ProviderRegistry<P> register(P provider) {
        List<String> names = new ArrayList<>();
        names.add(normalize(provider.identifier()));
        provider.aliases().forEach(a -> names.add(normalize(a)));
        for (String name : names) {
            P existing = byName.get(name);
            if (existing != null) {
                throw new EtlException(ErrorCode.DUPLICATE_PROVIDER, kindName() + " type '" + name + "' is provided by both "
                        + existing.getClass().getName() + " and " + provider.getClass().getName()
                        + "; remove one of the jars or rename one provider");
            }
        }
        names.forEach(n -> byName.put(n, provider));
        canonical.put(names.get(0), provider);
        return this;
    }

    /**
     * The provider for a type name or alias (case-insensitive).
     *
     * @throws EtlException {@link ErrorCode#UNKNOWN_PROVIDER} naming the type and listing the known ones
     */
    public synchronized P get(String type) {
        return find(type).orElseThrow(() -> new EtlException(ErrorCode.UNKNOWN_PROVIDER,
                "unknown " + kindName() + " type '" + type + "'; available: "
                        + (byName.isEmpty() ? "(none on the classpath)" : String.join(", ", new TreeSet<>(byName.keySet())))));
    }

    public synchronized Optional<P> find(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(byName.get(normalize(type)));
    }

    /** Canonical type names, sorted. */
    public synchronized List<String> identifiers() {
        return List.copyOf(canonical.keySet());
    }

    /** All names including aliases, sorted. */
    public synchronized List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public synchronized Collection<P> providers() {
        return List.copyOf(canonical.values());
    }

    private String kindName() {
        String n = kind.getSimpleName().replace("Provider", "");
        StringBuilder sb = new StringBuilder();
        for (char c : n.toCharArray()) {
            if (Character.isUpperCase(c) && sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
