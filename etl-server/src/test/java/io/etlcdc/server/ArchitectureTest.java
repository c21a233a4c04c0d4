package io.etlcdc.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps DESIGN.md's module rules: modules meet only through etl-core's interfaces, and nothing but
 * etl-server (and the benchmarks/examples, which are not published) depends on several modules.
 * etl-connect is the second assembler: the Kafka Connect plugin bundles the rules, the quality gate, the
 * stores and the sinks into one plugin directory, so it may use exactly those modules (and nothing of
 * the server, the CDC sources or the Kafka sink).
 */
class ArchitectureTest {
    /** What the Kafka Connect plugin assembles: transform, quality, lineage, schema and the jdbc sink. */
    private static final Set<String> CONNECT_MAY_USE = Set.of("io.etlcdc.transform", "io.etlcdc.quality", "io.etlcdc.lineage",
            "io.etlcdc.schema", "io.etlcdc.sink.jdbc");
    /** The modules (artifact ids) etl-connect may depend on besides etl-core. */
    private static final Set<String> CONNECT_MAY_DEPEND_ON = Set.of("etl-transform", "etl-quality", "etl-lineage", "etl-schema",
            "etl-sink-jdbc");

    /** Module package → the other module packages it may use besides etl-core. */
    private static final Map<String, Set<String>> MODULES = Map.ofEntries(
            Map.entry("io.etlcdc.transform", Set.of()),
            Map.entry("io.etlcdc.lineage", Set.of()),
            Map.entry("io.etlcdc.schema", Set.of()),
            Map.entry("io.etlcdc.quality", Set.of()),
            Map.entry("io.etlcdc.sink.jdbc", Set.of()),
            Map.entry("io.etlcdc.sink.kafka", Set.of()),
            Map.entry("io.etlcdc.cdc.debezium", Set.of()),
            Map.entry("io.etlcdc.cdc.postgres", Set.of("io.etlcdc.cdc.debezium")),
            Map.entry("io.etlcdc.cdc.mysql", Set.of("io.etlcdc.cdc.debezium")),
            Map.entry("io.etlcdc.cdc.mongodb", Set.of("io.etlcdc.cdc.debezium")),
            Map.entry("io.etlcdc.connect", CONNECT_MAY_USE));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.etlcdc");
    }

    @Test
    void coreDependsOnNoOtherModule() {
        List<String> others = new ArrayList<>(MODULES.keySet());
        others.add("io.etlcdc.server");
        noClasses().that().resideInAPackage("io.etlcdc.core..")
                .should().dependOnClassesThat().resideInAnyPackage(others.stream().map(p -> p + "..").toArray(String[]::new))
                .check(classes);
    }

    @Test
    void modulesMeetOnlyThroughCore() {
        MODULES.forEach((module, allowed) -> {
            String[] forbidden = Stream.concat(MODULES.keySet().stream(), Stream.of("io.etlcdc.server"))
                    .filter(other -> !other.equals(module) && !allowed.contains(other))
                    .map(p -> p + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .allowEmptyShould(true)
                    .because(module + " may use only etl-core" + (allowed.isEmpty() ? "" : " and " + allowed))
                    .check(classes);
        });
    }

    @Test
    void onlyTheServerDependsOnSeveralModules() throws Exception {
        Path root = projectRoot();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
                Path dir = root.relativize(pom.getParent());
                String name = dir.toString();
                if (name.isEmpty() || name.startsWith("etl-server") || name.startsWith("benchmarks") || name.startsWith("examples")
                        || name.equals("etl-bom")) {
                    continue;
                }
                List<String> deps = moduleDependencies(pom);
                deps.remove("etl-core");
                deps.remove("etl-cdc-debezium");
                if (name.equals("etl-connect")) {
                    deps.removeAll(CONNECT_MAY_DEPEND_ON);
                }
                if (!deps.isEmpty()) {
                    offenders.add(name + " depends on " + deps);
                }
            }
        }
        assertThat(offenders).as("only etl-server assembles modules").isEmpty();
    }

    private static List<String> moduleDependencies(Path pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList deps = doc.getElementsByTagName("dependency");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (d.getParentNode().getParentNode().getNodeName().equals("dependencyManagement")) {
                continue;
            }
            String group = text(d, "groupId");
            String scope = text(d, "scope");
            if ("io.etlcdc".equals(group) && !"test".equals(scope)) {
                out.add(text(d, "artifactId"));
            }
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }

    private static Path projectRoot() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("etl-core")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IOException("cannot find the project root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
