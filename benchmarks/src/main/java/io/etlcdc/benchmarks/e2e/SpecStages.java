package io.etlcdc.benchmarks.e2e;

import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;

/**
 * The stages every pipeline benchmark runs: the spec's three example rules and its status filter
 * (as {@code config/transformations.yaml} text), and two quality checks (as {@code config/quality.yaml}
 * text). Shared by the JMH {@code SpecPipelineBenchmark} and the end-to-end runs so both measure the
 * same work. Each call builds new, independent stages (a {@link QualityGate} serves one pipeline).
 */
public final class SpecStages {
    /** The rules in the order they run: every map runs on every record, the filter last. */
    public static final String TRANSFORMATIONS_YAML = """
            rules:
              - rule_id: mask_email
                name: Mask Email Addresses
                rule_type: map
                source_fields: [email]
                target_field: masked_email
                expression: "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
              - rule_id: mask_pii
                name: Mask PII Data
                rule_type: map
                source_fields: [email, phone]
                target_field: masked_data
                expression: |
                  {
                    "email": "***@{{ email.split('@')[1] }}",
                    "phone": "***-***-{{ phone[-4:] }}"
                  }
              - rule_id: total
                name: Total
                rule_type: map
                source_fields: [price, tax]
                target_field: total
                expression: "{{ price + tax }}"
              - rule_id: active_only
                name: Active only
                rule_type: filter
                source_fields: [status]
                expression: "{{ status == 'active' }}"
            """;

    /** Two checks after the rules: a pattern on the input and a range on a computed field. */
    public static final String QUALITY_YAML = """
            rules:
              - rule_id: email_format
                field: email
                check: pattern
                parameters: {regex: '^[^@]+@[^@]+\\.[a-z]+$'}
                action: dead_letter
              - rule_id: total_not_negative
                field: total
                check: range
                parameters: {min: 0}
                action: drop
            """;

    private SpecStages() {}

    /** A new rule engine with {@link #TRANSFORMATIONS_YAML}. */
    public static RuleEngine ruleEngine() {
        return RuleEngine.builder().rules(RuleFiles.parse(TRANSFORMATIONS_YAML)).build();
    }

    /** A new quality gate with {@link #QUALITY_YAML}. */
    public static QualityGate qualityGate() {
        return QualityGate.builder().rules(QualityRules.parseYaml(QUALITY_YAML, "spec quality rules")).build();
    }
}
