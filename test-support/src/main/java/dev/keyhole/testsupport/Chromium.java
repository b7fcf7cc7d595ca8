package dev.keyhole.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, as the end-to-end tests and the benchmark run it:
 * explicit paths (Selenium Manager never runs, nothing is downloaded), a profile directory of the caller's, a
 * 1280x900 window, no implicit waits, and no chromedriver log file (it would hold every key a test typed).
 * Closing it quits the browser and stops its chromedriver.
 */
public final class Chromium implements AutoCloseable {

    /** Debian's Chromium (the {@code chromium} package). */
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    /** Debian's chromedriver (the {@code chromium-driver} package). */
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Chromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** True when both Chromium and chromedriver are installed. */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /**
     * Starts chromedriver and a headless Chromium.
     *
     * @param profile a fresh directory for Chromium's profile (created when missing)
     * @param extra   what the caller adds to the options before the browser starts (logging preferences, mobile
     *                emulation, …); {@code options -> { }} for nothing
     * @throws IllegalStateException when Chromium or chromedriver is not installed
     */
    public static Chromium launch(Path profile, Consumer<ChromeOptions> extra) {
        if (!installed()) {
            throw new IllegalStateException(BINARY + " or " + DRIVER + " is missing: ./keyhole setup test installs "
                    + "Debian's chromium and chromium-driver");
        }
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Chromium's profile directory " + profile, e);
        }
        // Also for whatever in Selenium looks the driver up by this property instead of the service.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withSilent(true)
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // --no-sandbox: the tests and the benchmark run as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
        extra.accept(options);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return new Chromium(service, driver);
    }

    /** The WebDriver of this browser. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Quits the browser and stops its chromedriver. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
