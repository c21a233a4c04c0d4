package io.etlcdc.quality;

import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.quality.support.MiniExpressionEngineProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How the {@code expression} check finds its engine: through {@link ProviderRegistry} by language name.
 * The test engine ({@code test-expr}) is always here; the real {@code jinja2} engine only when
 * etl-transform is on the classpath, and the tests that need it are skipped with the reason otherwise.
 */
class ExpressionEngineTest {
    private static final QualityRule POSITIVE_ACTIVE = QualityRule.of("positive_active", "postgres_main_orders", "amount",
            "expression", Map.of("expression", "{{ amount > 0 and status == 'active' }}"));

    private static Optional<ExpressionEngineProvider> realJinja2() {
        return ProviderRegistry.load(ExpressionEngineProvider.class, ExpressionEngineTest.class.getClassLoader()).find("jinja2")
                .filter(p -> !(p instanceof MiniExpressionEngineProvider));
    }

    @Test
    void findsTheEngineByLanguageThroughServiceLoader() {
        QualityGate gate = QualityGate.builder().expressionLanguage(MiniExpressionEngineProvider.IDENTIFIER)
                .rule(QualityRule.of("positive", null, "amount", "expression", Map.of("expression", "{{ amount > 0 }}"))).build();
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(Map.of("amount", 3), Map.of("amount", -3)), List.of()));
        assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false);
    }

    @Test
    void anExpressionTheEngineCannotCompileIsRefusedWithTheEnginesMessage() {
        QualityGate gate = QualityGate.builder().expressionLanguage(MiniExpressionEngineProvider.IDENTIFIER).build();
        List<ConfigError> errors = gate.validate(QualityRule.of("bad", null, null, "expression", Map.of("expression", "{{ amount > }}")));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("parameters.expression");
            assertThat(e.value()).isEqualTo("{{ amount > }}");
            assertThat(e.message()).startsWith("invalid expression: line 1, column 1");
        });
    }

    @Test
    void withoutJinja2OnTheClasspathTheRuleIsRefusedNamingWhatToAdd() {
        assumeTrue(realJinja2().isEmpty(), "a jinja2 engine is on the classpath; this test covers its absence");
        List<ConfigError> errors = QualityRules.validate(POSITIVE_ACTIVE);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("parameters.expression");
            assertThat(e.message()).contains("no expression engine for 'jinja2'").contains("test-expr").contains("add etl-transform");
        });
    }

    @Test
    void evaluatesWithTheRealJinja2EngineWhenEtlTransformProvidesIt() {
        assumeTrue(realJinja2().isPresent(),
                "no 'jinja2' ExpressionEngineProvider on the test classpath (etl-transform provides it); skipped, not faked");
        QualityGate gate = QualityGate.builder().rule(POSITIVE_ACTIVE).build();
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(
                Map.of("amount", 10, "status", "active"),
                Map.of("amount", 0, "status", "active"),
                Map.of("amount", 10, "status", "closed")), List.of()));
        assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false, false);
        assertThat(gate.validate(QualityRule.of("bad", null, null, "expression", Map.of("expression", "{{ amount > }}"))))
                .extracting(ConfigError::key).containsExactly("parameters.expression");
    }
}
