package io.etlcdc.server.e2e;

import io.etlcdc.server.EtlServer;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Chromium against a server in demo mode: the page loads without console
 * errors, shows the source and the lineage diagram, and the numbers move. Needs Debian's
 * {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them).
 */
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void theDashboardShowsTheDemoPipelineLive() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver; .ci/run does)");
        ServerSettings settings = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "WARN", 10_000, Optional.empty(), true, dir.resolve("plugins"));
        try (EtlServer server = new EtlServer(settings, ConfigFiles.Loaded.empty()).start()) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + Files.createTempDirectory(dir, "chrome"));
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
                browser.get("http://localhost:" + server.port() + "/");
                await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                        browser.findElement(By.cssSelector("#sources tbody")).getText().contains("postgres_main"));
                await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                        !browser.findElements(By.cssSelector("#lineage svg")).isEmpty());
                long first = number(browser, "m-received");
                await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() -> number(browser, "m-received") > first);
                assertThat(browser.findElement(By.id("pipeline-state")).getText()).isEqualTo("RUNNING");
                assertThat(browser.findElement(By.cssSelector("#rules tbody")).getText()).contains("mask_email");
                assertThat(browser.findElement(By.cssSelector("#lineage svg")).getText()).contains("postgres_main_users");
                List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
                assertThat(errors).as("console errors").isEmpty();
            } finally {
                browser.quit();
            }
        }
    }

    private static long number(WebDriver browser, String id) {
        return Long.parseLong(browser.findElement(By.id(id)).getText().replaceAll("[^0-9]", ""));
    }
}
