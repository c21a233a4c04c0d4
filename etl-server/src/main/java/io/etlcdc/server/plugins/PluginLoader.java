package io.etlcdc.server.plugins;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.SpiVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds plugins in the {@code plugins/} directory: each {@code *.jar} directly in it is a plugin, and
 * each sub-directory is a plugin made of the jars inside it (its own dependencies). Each plugin gets
 * its own {@link PluginClassLoader}. A jar whose manifest names another {@code Etl-Spi-Version} is
 * refused with both versions named.
 */
public final class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private PluginLoader() {}

    /** One class loader per plugin found; empty when the directory does not exist. */
    public static List<PluginClassLoader> load(Path pluginsDir, ClassLoader parent) {
        List<PluginClassLoader> loaders = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir)) {
            return loaders;
        }
        try (Stream<Path> entries = Files.list(pluginsDir)) {
            for (Path p : entries.sorted().toList()) {
                List<Path> jars;
                if (Files.isDirectory(p)) {
                    try (Stream<Path> inner = Files.list(p)) {
                        jars = inner.filter(PluginLoader::isJar).sorted().toList();
                    }
                } else if (isJar(p)) {
                    jars = List.of(p);
                } else {
                    continue;
                }
                if (jars.isEmpty()) {
                    continue;
                }
                for (Path jar : jars) {
                    checkSpiVersion(jar);
                }
                String name = p.getFileName().toString().replaceFirst("\\.jar$", "");
                loaders.add(new PluginClassLoader(name, urls(jars), parent));
                LOG.info("loaded plugin {} ({} jar(s))", name, jars.size());
            }
        } catch (IOException e) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "cannot read the plugins directory " + pluginsDir + ": " + e.getMessage(), e);
        }
        return loaders;
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    static void checkSpiVersion(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            var manifest = f.getManifest();
            String version = manifest == null ? null : manifest.getMainAttributes().getValue(SpiVersion.MANIFEST_ATTRIBUTE);
            if (version == null) {
                return;
            }
            if (!version.trim().equals(SpiVersion.CURRENT)) {
                throw new EtlException(ErrorCode.CONFIG_INVALID, "plugin " + jar.getFileName() + " was built against SPI version "
                        + version.trim() + " but this server provides " + SpiVersion.CURRENT + "; rebuild the plugin against etl-core "
                        + SpiVersion.CURRENT);
            }
        } catch (IOException e) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "plugin " + jar + " is not a readable jar: " + e.getMessage(), e);
        }
    }

    private static URL[] urls(List<Path> jars) throws MalformedURLException {
        URL[] out = new URL[jars.size()];
        for (int i = 0; i < jars.size(); i++) {
            out[i] = jars.get(i).toUri().toURL();
        }
        return out;
    }
}
