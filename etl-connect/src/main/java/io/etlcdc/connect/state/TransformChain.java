package io.etlcdc.connect.state;

import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the connector's transformation chain does, for lineage: the rules of each of the product's
 * transformations in the chain ({@code transforms=...}), in chain order. Other transformations are not
 * described (they are not the product's).
 */
public final class TransformChain {
    static final String RULES_TYPE = "io.etlcdc.transform.connect.RuleTransformation";
    static final String QUALITY_TYPE = "io.etlcdc.connect.quality.QualityGateTransformation";

    private TransformChain() {}

    /** The rules of the chain in {@code connectorConfig}, in order; a transformation that cannot be read is skipped. */
    public static List<RuleDescriptor> describe(Map<String, String> connectorConfig) {
        String chain = connectorConfig.get("transforms");
        List<RuleDescriptor> out = new ArrayList<>();
        if (chain == null || chain.isBlank()) {
            return out;
        }
        for (String alias : chain.split(",")) {
            String prefix = "transforms." + alias.trim() + ".";
            String type = connectorConfig.getOrDefault(prefix + "type", "");
            String text = connectorConfig.get(prefix + "rules");
            String file = connectorConfig.get(prefix + "rules.file");
            try {
                if (type.startsWith(RULES_TYPE)) {
                    var rules = text != null && !text.isBlank() ? RuleFiles.parse(text) : RuleFiles.load(Path.of(file));
                    try (RuleEngine engine = RuleEngine.builder().id(alias).rules(rules).build()) {
                        out.addAll(engine.rules());
                    }
                } else if (type.startsWith(QUALITY_TYPE)) {
                    var rules = text != null && !text.isBlank() ? QualityRules.parseYaml(text, "rules") : QualityRules.load(Path.of(file));
                    out.addAll(QualityGate.builder().rules(rules).build().rules());
                }
            } catch (RuntimeException e) {
                // the transformation itself reports a bad configuration; lineage just leaves it out
            }
        }
        return out;
    }
}
