package io.etlcdc.core.spi;

/**
 * The version of the SPI that plugins are built against. A plugin jar states it in its manifest as
 * {@code Etl-Spi-Version: 0.1}; the server refuses a plugin whose SPI version differs from
 * {@link #CURRENT}, instead of failing later with a {@code NoSuchMethodError}.
 */
public final class SpiVersion {
    /** Major.minor of the SPI in this build. */
    public static final String CURRENT = "0.1";

    /** The manifest attribute plugins carry. */
    public static final String MANIFEST_ATTRIBUTE = "Etl-Spi-Version";

    private SpiVersion() {}
}
