package io.etlcdc.server.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Loads one plugin: the SPI (everything under {@code io.etlcdc.core.}), the JDK, logging and Jackson
 * come from the server, so that plugin classes and server classes agree on the interfaces; everything
 * else comes from the plugin's own jars first, so that a plugin can bring other versions of its
 * libraries (a JDBC driver, an HTTP client) without clashing with the server's.
 */
public final class PluginClassLoader extends URLClassLoader {
    private static final List<String> PARENT_FIRST = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.etlcdc.core.", "org.slf4j.", "com.fasterxml.jackson.", "kotlin.");

    private final String pluginName;

    public PluginClassLoader(String pluginName, URL[] jars, ClassLoader parent) {
        super("plugin-" + pluginName, jars, parent);
        this.pluginName = pluginName;
    }

    public String pluginName() {
        return pluginName;
    }

    static boolean parentFirst(String name) {
        for (String p : PARENT_FIRST) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (parentFirst(name)) {
                    c = getParent().loadClass(name);
                } else {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notInPlugin) {
                        c = getParent().loadClass(name);
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    /**
     * The plugin's own resources only for {@code META-INF/services}, so that ServiceLoader over this
     * loader finds the plugin's providers and not the server's again.
     */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> out = new ArrayList<>(Collections.list(findResources(name)));
        if (!name.startsWith("META-INF/services/")) {
            out.addAll(Collections.list(getParent().getResources(name)));
        }
        return Collections.enumeration(out);
    }
}
