package io.etlcdc.core.spi;

/**
 * Adds a rule type: {@link #identifier()} is the {@code rule_type} users write, and
 * {@link #create} gets the rule's fields ({@code rule_id}, {@code source_fields}, {@code target_field},
 * {@code expression}, {@code parameters}, ...) as {@link ProviderContext#config()}. Register in
 * {@code META-INF/services/io.etlcdc.core.spi.TransformProvider}.
 */
public interface TransformProvider extends Provider {

    Transform create(ProviderContext context);
}
