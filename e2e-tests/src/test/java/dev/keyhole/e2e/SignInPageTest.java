package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static dev.keyhole.e2e.pages.SignInPage.View.CODE;
import static dev.keyhole.e2e.pages.SignInPage.View.SETUP;
import static dev.keyhole.e2e.pages.SignInPage.View.SIGN_IN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.AuthenticatorApp;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.InjectKeyhole.Lifecycle;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.SecondBrowser;
import dev.keyhole.e2e.fixtures.ServedKeyhole;
import dev.keyhole.e2e.fixtures.SignedIn;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.pages.SignInPage;
import dev.keyhole.e2e.pages.TargetsPage;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.config.KeyholeConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;

/**
 * The sign-in page in a real Chromium against a real server: the first admin sets Keyhole up from the link it
 * prints, enrols an authenticator app (the test computes its codes, RFC 6238, apart from the server's code) and
 * gets the recovery codes; people sign in with a password and a code, on a desktop and on a phone, and reach the
 * console; wrong passwords are throttled through the page alike for known and unknown names, which cost the server
 * the same time; signing out everywhere signs out the other browser. Screenshots of each view, at desktop and phone
 * size, go to {@code target/screenshots/sign-in/} (none shows a password: the fields show dots, and are empty then).
 */
@KeyholeE2E
class SignInPageTest {

    /** What the server prints when there are no users: the first admin's setup link. */
    private static final Pattern SETUP_LINK = Pattern.compile("(https?://\\S+/sign-in\\.html#link=[A-Za-z0-9_-]{43})");
    /** A recovery code as the server issues them. */
    private static final Pattern RECOVERY_CODE = Pattern.compile("[A-Z0-9]{4}(-[A-Z0-9]{4}){3}");
    /** What the server answers to every wrong name or password (the page makes it a sentence, with a full stop). */
    private static final String WRONG = "Wrong name or password";

    /**
     * A second Keyhole beside the method's {@link LockedTarget} one, with no consoles: a server whose throttle has
     * seen nothing from this machine's address yet.
     */
    static final class SecondServer implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
        }
    }

    @Test
    void theFirstAdminSetsKeyholeUpFromThePrintedLinkThenSignsOutAndInAgain(Guacd guacd, LockedConsole console,
            Browser browser) throws Exception {
        Path dir = E2ePaths.fixtureDir(SignInPageTest.class, "first-admin");
        try (ServedKeyhole keyhole = ServedKeyhole.start(dir, RunningKeyhole.yaml(guacd, console,
                dir.resolve("data")))) {
            Waits.until("Keyhole, with no users, to print the first admin's link", Duration.ofSeconds(15),
                    () -> "its output ends with:\n" + tail(keyhole.output()),
                    () -> SETUP_LINK.matcher(keyhole.output()).find());
            Matcher printed = SETUP_LINK.matcher(keyhole.output());
            assertTrue(printed.find());
            URI link = URI.create(printed.group(1));
            assertEquals(keyhole.uri("http").resolve("/sign-in.html"), URI.create(link.toString().split("#")[0]),
                    "the link opens the sign-in page of the address Keyhole listens on");

            WebDriver driver = browser.driver();
            SignInPage page = SignInPage.open(browser, link).waitForView(SETUP);
            assertFalse(driver.getCurrentUrl().contains("#"), "the page took the token off the address bar");
            assertEquals("Create the first admin", page.heading());
            screenshot(browser, "setup-desktop");

            page.setUpFirstAdmin("first-admin", RunningKeyhole.TEST_PASSWORD);
            AuthenticatorApp app = enrol(browser, page, "desktop");
            AuthenticatorApp.Code enrolled = app.fresh(Long.MIN_VALUE);
            page.confirmEnrolment(enrolled.digits());
            List<String> recoveryCodes = recoveryCodes(browser, page, "desktop");
            page.continueAfterRecoveryCodes();

            TargetsPage targets = TargetsPage.attach(driver);
            assertEquals(List.of(RunningKeyhole.TARGET), targets.targetNames(), "the targets page lists the console");
            assertEquals("first-admin", targets.account().waitForSignedIn().userName());

            SignInPage signedOut = targets.account().signOut().waitForView(SIGN_IN);
            assertEquals("", signedOut.message());
            screenshot(browser, "sign-in-desktop");
            signedOut.submitPassword("first-admin", RunningKeyhole.TEST_PASSWORD).waitForView(CODE);
            assertTrue(signedOut.codeHint().startsWith("Signing in as first-admin: "), signedOut::codeHint);
            screenshot(browser, "code-desktop");
            // The second sign-in proves the second factor with a recovery code, shown once at enrolment (the phone
            // test waits on the clock for the next step and types a fresh code from the app instead).
            signedOut.useRecoveryCodeInstead().submitCode(recoveryCodes.get(0));
            ConsolePage consolePage = TargetsPage.attach(driver).openConsole(RunningKeyhole.TARGET)
                    .waitForState(CONNECTED);
            assertEquals("first-admin", consolePage.account().waitForSignedIn().userName());

            SignInPage spent = SignInPage.open(browser, link).waitForView(SIGN_IN);
            assertEquals("This link was used already or has expired.", spent.message(),
                    "the setup link works once");
        }
    }

    @Test
    void aPhoneSignsInWithAPasswordAndACodeFromTheAppAndSeesTheConsole(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole,
            @SecondBrowser(phone = true) Browser phone) throws Exception {
        keyhole.accounts().addUser("pocket", Role.OPERATOR, List.of(), RunningKeyhole.TEST_PASSWORD);
        URI consoleAddress = keyhole.uri().resolve("/console.html?target=" + RunningKeyhole.TARGET);
        WebDriver driver = phone.driver();

        driver.get(consoleAddress.toString());
        SignInPage page = SignInPage.attach(driver).waitForView(SIGN_IN);
        assertTrue(driver.getCurrentUrl().endsWith("/sign-in.html?next=%2Fconsole.html%3Ftarget%3D"
                + RunningKeyhole.TARGET), driver::getCurrentUrl);
        assertFitsThePhone(phone, "the sign-in form", "#sign-in-name", "#sign-in-password", "#sign-in-submit");
        screenshot(phone, "sign-in-phone");

        page.submitPassword("pocket", RunningKeyhole.TEST_PASSWORD);
        AuthenticatorApp app = enrol(phone, page, "phone");
        assertFitsThePhone(phone, "the enrolment", "#enrol-qr", "#enrol-secret", "#enrol-open", "#enrol-code");
        AuthenticatorApp.Code enrolled = app.fresh(Long.MIN_VALUE);
        page.confirmEnrolment(enrolled.digits());
        recoveryCodes(phone, page, "phone");
        assertFitsThePhone(phone, "the recovery codes", "#recovery-codes", "#recovery-continue");
        page.continueAfterRecoveryCodes();

        ConsolePage console = ConsolePage.attach(driver);
        assertEquals(consoleAddress.toString(), driver.getCurrentUrl(), "the sign-in came back to the console");
        console.account().signOut().waitForView(SIGN_IN);

        driver.get(consoleAddress.toString());
        SignInPage again = SignInPage.attach(driver).submitPassword("pocket", RunningKeyhole.TEST_PASSWORD)
                .waitForView(CODE);
        assertFitsThePhone(phone, "the code step", "#code-input", "#code-submit", "#code-kind");
        screenshot(phone, "code-phone");
        // A code is accepted once per 30 s step: wait on the clock for a step after the enrolment's.
        again.submitCode(app.fresh(enrolled.step()).digits());
        ConsolePage.attach(driver).waitForState(CONNECTED).waitForPicture();
        assertEquals(consoleAddress.toString(), driver.getCurrentUrl());
    }

    @Test
    void wrongPasswordsAreThrottledTheSameForKnownAndUnknownNamesAndCostTheSameTime(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole,
            @InjectKeyhole(value = SecondServer.class, lifecycle = Lifecycle.METHOD) RunningKeyhole other,
            Browser browser) throws Exception {
        keyhole.testUser();
        List<String> known = sixAttempts(browser, keyhole, RunningKeyhole.TEST_USER);
        assertEquals(List.of(WRONG + ".", WRONG + ".", WRONG + ".", WRONG + ".", WRONG + "."), known.subList(0, 5),
                "five wrong passwords");
        assertTrue(known.get(5).startsWith("Too many failed sign-ins: wait 5 minutes"),
                () -> "the right password, sixth, is refused: " + known.get(5));
        SignInPage throttled = SignInPage.attach(browser.driver());
        assertFalse(throttled.signInButtonEnabled(), "the page holds the button back");
        assertTrue(throttled.signInButton().matches("Try again in [45]:\\d\\d"), throttled::signInButton);
        screenshot(browser, "throttled-desktop");

        // The other server's throttle has seen nothing of this address: the same attempts for a name no one has.
        List<String> unknown = sixAttempts(browser, other, "nobody-by-this-name");
        assertEquals(known, unknown, "an unknown name gets the same answers");

        // Both hash the password: a wrong password and an unknown name take about as long. Each attempt comes from
        // a loopback address and for a name of its own, so that no throttle answers at once in their place.
        List<Long> wrongPassword = new ArrayList<>();
        List<Long> unknownName = new ArrayList<>();
        int samples = 9;
        for (int i = 0; i <= samples; i++) {
            other.accounts().addUser("timing-" + i, Role.VIEWER, List.of(), RunningKeyhole.TEST_PASSWORD);
        }
        for (int i = 0; i <= samples; i++) {
            long a = timedWrongSignIn(other, "timing-" + i, InetAddress.getByName("127.0.0." + (10 + 2 * i)));
            long b = timedWrongSignIn(other, "nobody-" + i, InetAddress.getByName("127.0.0." + (11 + 2 * i)));
            if (i > 0) { // the first of each warms the server up
                wrongPassword.add(a);
                unknownName.add(b);
            }
        }
        long knownMedian = median(wrongPassword);
        long unknownMedian = median(unknownName);
        String times = "medians " + ms(knownMedian) + " (wrong password) and " + ms(unknownMedian)
                + " (unknown name); each: " + wrongPassword.stream().map(SignInPageTest::ms).toList() + " and "
                + unknownName.stream().map(SignInPageTest::ms).toList();
        // A factor, not milliseconds: the hash's cost is the machine's (40 ms to 100 ms and more on a busy one),
        // while an answer without it takes a few milliseconds anywhere.
        assertTrue(Math.max(knownMedian, unknownMedian) < 2 * Math.min(knownMedian, unknownMedian), times);
    }

    @Test
    void signingOutEverywhereSignsTheOtherBrowserOutToo(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole,
            Browser browser, @SecondBrowser Browser second) throws Exception {
        TargetsPage one = TargetsPage.open(browser, keyhole);
        TargetsPage two = TargetsPage.open(second, keyhole);
        assertEquals(List.of(RunningKeyhole.TARGET), one.targetNames());
        assertEquals(List.of(RunningKeyhole.TARGET), two.targetNames());
        assertEquals(RunningKeyhole.TEST_USER, two.account().waitForSignedIn().userName());
        SignedIn firstSession = sessionOf(browser);
        SignedIn secondSession = sessionOf(second);

        one.account().signOutEverywhere().waitForView(SIGN_IN);
        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", "/api/session", null, firstSession.headers(), null)
                .status(), "the first browser's session ended");
        assertEquals(401, RawHttp.send(keyhole.uri(), "GET", "/api/session", null, secondSession.headers(), null)
                .status(), "the second browser's session ended with the first's");

        // Its next request, the reload of its page, finds no session: the front door sends it to the sign-in page,
        // to come back afterwards.
        second.driver().navigate().refresh();
        Waits.until("the second browser to land on the sign-in page", Duration.ofSeconds(15),
                second.driver()::getCurrentUrl, () -> second.driver().getCurrentUrl().contains("/sign-in.html"));
        SignInPage page = SignInPage.attach(second.driver()).waitForView(SIGN_IN);
        assertEquals("", page.message());
        assertTrue(second.driver().getCurrentUrl().endsWith("/sign-in.html?next=%2F"),
                () -> "it comes back to the targets page: " + second.driver().getCurrentUrl());
    }

    @Test
    void signingOutEverywhereClosesTheConsoleOpenInAnotherBrowser(
            @InjectKeyhole(value = LockedTarget.class, lifecycle = Lifecycle.METHOD) RunningKeyhole keyhole,
            Browser browser, @SecondBrowser(phone = true) Browser phone) {
        ConsolePage console = ConsolePage.open(phone, keyhole, RunningKeyhole.TARGET).waitForState(CONNECTED);
        TargetsPage desk = TargetsPage.open(browser, keyhole);

        long before = System.nanoTime();
        desk.account().signOutEverywhere().waitForView(SIGN_IN);
        // The server closes the phone's tunnel within a second (RolesAndSessionEndsTest times that); the page
        // then asks whether it is signed out, stops reconnecting and offers to sign in again, back to this console.
        Waits.until("the phone's console page to say it was signed out", Duration.ofSeconds(10),
                () -> console.state() + ": " + console.message(),
                () -> !phone.driver().findElements(By.cssSelector("#sign-in-again:not([hidden])")).isEmpty());
        Duration took = Duration.ofNanos(System.nanoTime() - before);
        assertTrue(console.message().contains("signed out"), console::message);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "the page said so after " + took.toMillis() + " ms");
        String back = phone.driver().findElement(By.id("sign-in-again")).getAttribute("href");
        assertTrue(back.contains("/sign-in.html?next=%2Fconsole.html%3Ftarget%3D" + RunningKeyhole.TARGET), back);
    }

    // --- steps ------------------------------------------------------------------------------------------------------

    /**
     * The enrolment view: a QR code image and the secret as text, grouped by four, which the otpauth: link (for an
     * app on the same device) carries too.
     *
     * @return the authenticator app of that secret
     */
    private static AuthenticatorApp enrol(Browser browser, SignInPage page, String size) throws IOException {
        String secret = page.enrolmentSecret();
        // Messages show the secret's shape, never the secret.
        String shape = secret.replaceAll("[A-Z2-7]", "x");
        assertTrue(secret.matches("[A-Z2-7]{4}( [A-Z2-7]{4})+( [A-Z2-7]{1,3})?") && secret.length() >= 32 + 7,
                () -> "the key is base32, at least 160 bits, in groups of four: " + shape);
        List<Object> qr = page.waitForQrCode();
        assertTrue(String.valueOf(qr.get(0)).startsWith("data:image/svg+xml;base64,"), "an SVG image of the CSP's");
        double shown = ((Number) qr.get(4)).doubleValue();
        assertTrue(shown >= 150 && Math.abs(shown - ((Number) qr.get(5)).doubleValue()) < 0.5,
                () -> "the QR code is a square of 150 px at least: " + qr.subList(4, 6));
        String href = String.valueOf(browser.script("return document.getElementById('enrol-open').href"));
        assertTrue(href.startsWith("otpauth://totp/"), "the app link is an otpauth: URI");
        assertTrue(URLDecoder.decode(href, StandardCharsets.UTF_8).contains("secret=" + secret.replace(" ", "")),
                "the app link carries the key shown");
        screenshot(browser, "enrol-" + size);
        return AuthenticatorApp.of(secret);
    }

    /** The recovery view after a confirmed enrolment: ten different codes, shown once. */
    private static List<String> recoveryCodes(Browser browser, SignInPage page, String size) throws IOException {
        List<String> codes = page.recoveryCodes();
        assertEquals(10, codes.size(), "ten recovery codes");
        assertTrue(codes.stream().allMatch(c -> RECOVERY_CODE.matcher(c).matches()), "each is ABCD-EFGH-JKLM-NPQR");
        assertEquals(10, new HashSet<>(codes).size(), "all different");
        assertEquals("Your recovery codes", page.heading());
        screenshot(browser, "recovery-" + size);
        return codes;
    }

    /**
     * Five wrong passwords, then the right one (the test user's), for a name through the sign-in page.
     *
     * @return what the page said to each
     */
    private static List<String> sixAttempts(Browser browser, RunningKeyhole keyhole, String name) {
        SignInPage page = SignInPage.open(browser, keyhole.uri().resolve("/sign-in.html")).waitForView(SIGN_IN);
        List<String> said = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String password = i < 6 ? "not-the-password-" + i : RunningKeyhole.TEST_PASSWORD;
            said.add(page.submitPassword(name, password).waitForRefusal());
            assertEquals(SIGN_IN.value(), page.view(), "still the sign-in form");
        }
        return said;
    }

    /** @return how long a wrong sign-in's answer took, in nanoseconds (it must be the wrong one's: 401) */
    private static long timedWrongSignIn(RunningKeyhole keyhole, String name, InetAddress from) throws IOException {
        String body = "{\"name\":\"" + name + "\",\"password\":\"not-the-password\"}";
        long start = System.nanoTime();
        RawHttp.Answer answer = RawHttp.send(from, keyhole.uri(), "POST", "/api/sign-in",
                Map.of("Host", keyhole.uri().getAuthority(), "Content-Type", "application/json"), body);
        long took = System.nanoTime() - start;
        assertEquals(401, answer.status(), () -> name + " from " + from + ": " + answer);
        assertTrue(answer.body().contains(WRONG), answer::toString);
        return took;
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The session a browser holds, from its cookies (chromedriver reads HttpOnly ones too). */
    private static SignedIn sessionOf(Browser browser) {
        Cookie session = browser.driver().manage().getCookieNamed(SignedIn.SESSION_COOKIE);
        Cookie csrf = browser.driver().manage().getCookieNamed(SignedIn.CSRF_COOKIE);
        assertTrue(session != null && csrf != null, "the browser holds a session");
        return new SignedIn(session.getValue(), csrf.getValue());
    }

    /**
     * Checks that a view fits a phone's width: the page does not scroll sideways, and each of its controls lies
     * within the screen's width.
     */
    @SuppressWarnings("unchecked")
    private static void assertFitsThePhone(Browser phone, String view, String... controls) {
        Number scrollWidth = (Number) phone.script("return document.documentElement.scrollWidth");
        Number width = (Number) phone.script("return window.innerWidth");
        assertEquals(Browser.PHONE_WIDTH, width.intValue(), "the phone's viewport");
        assertTrue(scrollWidth.intValue() <= width.intValue(), () -> view + " scrolls sideways: " + scrollWidth
                + " px wide");
        for (String control : controls) {
            List<Number> box = (List<Number>) phone.script("const r = document.querySelector(arguments[0])"
                    + ".getBoundingClientRect(); return [r.left, r.right, r.width];", control);
            assertTrue(box.get(0).doubleValue() >= 0 && box.get(1).doubleValue() <= width.doubleValue()
                    && box.get(2).doubleValue() > 0, () -> control + " of " + view + " is within the screen: " + box);
        }
    }

    /** Keeps a screenshot of what the browser shows, to look at: {@code target/screenshots/sign-in/NAME.png}. */
    private static void screenshot(Browser browser, String name) throws IOException {
        Path file = E2ePaths.target().resolve("screenshots/sign-in/" + name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, browser.screenshot());
    }

    private static String tail(String output) {
        return output.length() <= 2000 ? output : output.substring(output.length() - 2000);
    }
}
