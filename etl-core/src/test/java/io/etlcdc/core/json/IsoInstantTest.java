package io.etlcdc.core.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IsoInstantTest {
    private static void same(Instant t) {
        assertThat(IsoInstant.format(t)).as("%s (%d s, %d ns)", t, t.getEpochSecond(), t.getNano())
                .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }

    @Test
    void writesWhatIsoInstantWrites() {
        same(Instant.EPOCH);
        same(Instant.ofEpochSecond(0, 1));
        same(Instant.parse("2026-12-07T20:56:23.589149Z"));
        same(Instant.parse("2026-12-07T20:56:23.618Z"));
        same(Instant.parse("2024-02-29T23:59:59.999999999Z"));
        same(Instant.parse("2000-02-29T00:00:00.100Z"));
        same(Instant.parse("2100-03-01T00:00:00.000001Z"));
        same(Instant.parse("9999-12-31T23:59:59.999999999Z"));
        // outside the fast path: formatted by ISO_INSTANT itself
        same(Instant.parse("1969-12-31T23:59:59.5Z"));
        same(Instant.parse("0001-01-01T00:00:00Z"));
        same(Instant.parse("+10000-01-01T00:00:00Z"));
        same(Instant.MIN);
        same(Instant.MAX);
    }

    @Test
    void agreesWithIsoInstantOnRandomInstants() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            same(Instant.ofEpochSecond(seconds, nano));
        }
        // every day boundary of four centuries, around each midnight
        for (long day = 0; day < 146_097; day++) {
            same(Instant.ofEpochSecond(day * 86_400 + 10_957L * 86_400));
            same(Instant.ofEpochSecond(day * 86_400 + 10_957L * 86_400 - 1, 999_000_000));
        }
    }

    @Test
    void readsBackWhatItWrites() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_800L), i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            assertThat(IsoInstant.parse(IsoInstant.format(t))).isEqualTo(t);
        }
        assertThat(IsoInstant.parse("2026-12-07T20:56:23.5Z")).isEqualTo(Instant.parse("2026-12-07T20:56:23.5Z"));
        assertThat(IsoInstant.parse("2024-02-29T00:00:00.000000001Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00.000000001Z"));
    }

    @Test
    void leavesEveryOtherShapeToTheJdkParser() {
        for (String text : new String[] {"", "infinity", "-infinity", "2026-12-07T20:56:23+01:00", "2026-12-07T20:56:23.Z",
                "2026-12-07T20:56:23.1234567890Z", "2026-12-07 20:56:23Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T23:60:00Z",
                "2026-12-07T23:00:60Z", "1969-12-31T23:59:59Z", "2026-12-07T2a:00:00Z", "+12026-01-01T00:00:00Z",
                "2026-12-07T20:56:23.58914aZ", "2026-12-07T20:56:23z", "2026-12-07T-1:00:00Z"}) {
            assertThat(IsoInstant.parse(text)).as(text).isNull();
        }
    }
}
