package io.etlcdc.transform;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtensionTest {

    @Test
    void aFunctionFromServiceLoaderIsCallableByName() {
        RuleEngine engine = RuleEngine.builder().rule(RuleDefinition.of("m", "m", "map", List.of("email"), "masked",
                "{{ mask(email) }}", null)).build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(ChangeEvent.insert("pg", "public.users", null, row("email", "abcdef"), Position.of(1)),
                ChangeEvent.insert("pg", "public.users", null, row("email", 5), Position.of(2))), out);
        assertThat(out.emitted.get(0).after()).containsEntry("masked", "****ef");
        assertThat(out.deadLetters).singleElement().asString().contains("mask(text) takes one string");
    }

    @Test
    void anUnknownFunctionIsRefusedWhenTheRuleIsAdded() {
        RuleEngine engine = RuleEngine.builder().build();
        assertThatThrownBy(() -> engine.add(RuleDefinition.of("m", "m", "map", List.of("a"), "b", "{{ nope(a) }}", null)))
                .hasMessageContaining("unknown function 'nope'").hasMessageContaining("mask");
    }

    @Test
    void aUserRuleTypeFromServiceLoaderRunsInOrder() {
        RuleEngine engine = RuleEngine.builder()
                .rule(new RuleDefinition("copy", "c", "map", List.of("ssn"), "ssn_last4", "{{ ssn[-4:] }}", null, null, 1))
                .rule(new RuleDefinition("drop_ssn", "d", "redact", List.of("ssn"), null, null, null, null, 2))
                .build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(ChangeEvent.insert("pg", "public.users", null, row("id", 1, "ssn", "123-45-6789"), Position.of(1))), out);
        assertThat(out.emitted.get(0).after()).isEqualTo(Map.of("id", 1, "ssn_last4", "6789"));
        assertThat(engine.validate(RuleDefinition.of("x", "x", "nosuchtype", List.of(), null, null, null)).get(0).message())
                .contains("redact");
    }

    @Test
    void theJinja2ExpressionEngineIsFoundThroughItsProvider() {
        ExpressionEngineProvider provider = ProviderRegistry.load(ExpressionEngineProvider.class, getClass().getClassLoader()).get("jinja2");
        ExpressionEngine engine = provider.create(ProviderContext.builder("quality").build());
        ExpressionEngine.CompiledExpression check = engine.compile("{{ amount > 0 and mask(code) == '**de' }}");
        assertThat(check.test(Map.of("amount", 5, "code", "abde"))).isTrue();
        assertThat(check.test(Map.of("amount", 0, "code", "abde"))).isFalse();
        assertThat(engine.compile("{{ amount * 2 }}").evaluate(Map.of("amount", 21))).isEqualTo(42L);
    }
}
