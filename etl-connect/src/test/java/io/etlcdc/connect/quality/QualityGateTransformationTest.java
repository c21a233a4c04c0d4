package io.etlcdc.connect.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.connect.Fixtures;
import io.etlcdc.core.json.EtlJson;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QualityGateTransformationTest {
    static final String RULES = """
            rules:
              - {rule_id: email_format, field: email, check: pattern, parameters: {regex: '^[^@]+@[^@]+\\.[a-z]+$'}, action: dead_letter}
              - {rule_id: no_test_users, field: email, check: pattern, parameters: {regex: '^(?!test)'}, action: drop}
            """;

    private static QualityGateTransformation<SinkRecord> gate(String mode) {
        QualityGateTransformation<SinkRecord> t = new QualityGateTransformation.Value<>();
        t.configure(Map.of("rules", RULES, "dead_letter.mode", mode));
        return t;
    }

    @Test
    void aPassingRecordIsReturnedUntouched() {
        SinkRecord r = Fixtures.record(0, 1, "c", null, Fixtures.row(1, "user@example.com"));
        assertThat(gate("report").apply(r)).isSameAs(r);
    }

    @Test
    void aDeadLetterRecordCarriesItsFailedChecksInHeadersForTheSink() throws Exception {
        SinkRecord r = Fixtures.record(0, 1, "c", null, Fixtures.row(1, "user@localhost"));
        SinkRecord out = gate("report").apply(r);
        assertThat(out.value()).isSameAs(r.value());
        assertThat(QualityHeaders.text(out.headers(), QualityHeaders.OUTCOME)).isEqualTo("dead_letter");
        assertThat(QualityHeaders.text(out.headers(), QualityHeaders.RULE_ID)).isEqualTo("email_format");
        JsonNode checks = EtlJson.mapper().readTree(QualityHeaders.text(out.headers(), QualityHeaders.FAILED_CHECKS));
        assertThat(checks.path("asset").asText()).isEqualTo("pg_users");
        assertThat(checks.path("failed_checks").get(0).path("value").asText()).isEqualTo("user@localhost");
        assertThat(r.headers().lastWithName(QualityHeaders.OUTCOME)).as("the input is not changed").isNull();
    }

    @Test
    void inExceptionModeADeadLetterThrowsForConnectsErrorHandling() {
        SinkRecord r = Fixtures.record(0, 1, "c", null, Fixtures.row(1, "user@localhost"));
        assertThatThrownBy(() -> gate("exception").apply(r)).isInstanceOf(QualityCheckException.class)
                .hasMessageContaining("\"failed_checks\"").hasMessageContaining("email_format");
    }

    @Test
    void aDroppedRecordIsRemoved() {
        assertThat(gate("report").apply(Fixtures.record(0, 1, "c", null, Fixtures.row(1, "test@example.com")))).isNull();
    }

    @Test
    void badRulesAreRefusedWhenConfigured() {
        QualityGateTransformation<SinkRecord> t = new QualityGateTransformation.Value<>();
        assertThatThrownBy(() -> t.configure(Map.of("rules", "rules: [{rule_id: x, field: a, check: spelling}]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spelling");
        assertThatThrownBy(() -> t.configure(Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("rules.file");
    }

    @Test
    void thePredicateSaysWhetherARecordFailsAnyRule() {
        QualityPredicate<SinkRecord> p = new QualityPredicate<>();
        p.configure(Map.of("rules", RULES));
        assertThat(p.test(Fixtures.record(0, 1, "c", null, Fixtures.row(1, "user@example.com")))).isFalse();
        assertThat(p.test(Fixtures.record(0, 2, "c", null, Fixtures.row(2, "user@localhost")))).isTrue();
        assertThat(p.test(Fixtures.record(0, 3, "c", null, Fixtures.row(3, "test@example.com")))).as("a drop rule fails too").isTrue();
        assertThat(p.test(new SinkRecord("t", 0, null, null, null, null, 0))).isFalse();
    }
}
