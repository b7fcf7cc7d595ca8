package dev.keyhole.e2e;

import static dev.keyhole.e2e.pages.ConsolePage.State.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.e2e.fixtures.Browser;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.XrdpSession;
import dev.keyhole.e2e.pages.ConsolePage;
import dev.keyhole.e2e.vm.LayoutTable;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.targets.ConsoleSpec;
import dev.keyhole.server.targets.ConsoleSpec.CertificatePolicy;
import dev.keyhole.server.targets.Protocol;
import dev.keyhole.server.targets.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layout fidelity over RDP, with real parts: the passphrase box sends each character's key symbol, guacd 1.3
 * turns it into scancodes with the Shift/AltGr its {@code server-layout} needs, and an xrdp session (xorgxrdp)
 * whose X keyboard takes the layout guacd declares reads the line in a terminal and records its bytes.
 *
 * <p>Every character of a layout (the web app's layout table) that guacd's keymap for that layout has a key
 * for arrives byte for byte, {@code €} included. The rest the passphrase box refuses for an RDP console, and
 * this test checks it refuses exactly the characters listed here by hand from guacd's keymaps: guacd 1.3 sends
 * a key symbol its keymap lacks as an RDP Unicode event (its keymaps hold only the unshifted, Shift and a few
 * AltGr characters of each layout: {@code src/protocols/rdp/keymaps/*.keymap} at 1.3.0), and sends only the
 * press. xrdp 0.9 replays a Unicode event as the key presses its own key table ({@code /etc/xrdp/km-*.ini})
 * gives for the character, Shift/AltGr included, and never releases them (guacd sent no release): the
 * modifiers stay down and garble what follows. A console that ignores Unicode events (VirtualBox's) loses those
 * characters outright, and guacd's debug log names each one it sent so.
 *
 * <p>One more session is started from a copy of the fixture in a clone only root may enter, as a clone under
 * {@code /root} or in a {@code mktemp -d} directory is: the session's user must still get a session that reads.
 *
 * <p>guacd 1.3 has no Polish keymap: for {@code pl-pl-qwerty} it types with its US one and declares a US
 * keyboard, whose keys the Polish (programmer) layout shares for ASCII. Its ASCII arrives exactly; the box
 * refuses the rest, which guacd has no key for.
 */
@KeyholeE2E
class RdpLayoutFidelityTest {

    private static final List<String> LAYOUTS = List.of("en-us-qwerty", "de-de-qwertz", "fr-fr-azerty",
            "pl-pl-qwerty");
    private static final Duration LOGON_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern UNICODE_LOG = Pattern.compile("Sending keysym 0x([0-9a-f]+) as Unicode");

    /**
     * The characters of each layout's table that guacd 1.3.0's keymap for the layout has no key for (its
     * {@code de_de_qwertz.keymap}, {@code fr_fr_azerty.keymap}; {@code en_us_qwerty.keymap} has every one):
     * guacd sends them as RDP Unicode events.
     */
    static final Map<String, String> GUACD_HAS_NO_KEY_FOR = Map.of(
            "de-de-qwertz", "¡¢£¤¥©ª«¬®¯±¶·¹º»¼½¿ÆÐ×ØÞæð÷øþđĦħıĸŁłŊŋŦŧſΩẞ–—‘’‚“”„…′″‹›™⅛⅜⅝⅞←↑→↓",
            "fr-fr-azerty", "¡¢¥¦©ª«¬®±¶·¹º»¿ÆÐ×ØÞßæð÷øþđĦħıĸŁłŊŋŦŧΩẞ‘’‚“”„•™⅛⅜⅝⅞←↑→↓",
            "pl-pl-qwerty", beyondAscii(LayoutTable.everyCharacter("pl-pl-qwerty")));

    /** The X keyboard layout xrdp's xrdp_keyboard.ini gives the RDP keyboard layout guacd declares for each. */
    private static final Map<String, String> XKB_LAYOUTS = Map.of(
            "en-us-qwerty", "us", "de-de-qwertz", "de", "fr-fr-azerty", "fr", "pl-pl-qwerty", "us");

    /** The layouts guacd 1.3 has a keymap of its own for. */
    private static final List<String> GUACD_KEYMAPS = List.of("en-us-qwerty", "de-de-qwertz", "fr-fr-azerty");

    /** The target of the session started from a copy of the fixture in a private clone. */
    private static final String PRIVATE_CLONE = "private-clone";

    private static RunningKeyhole server;

    /** One xrdp session per layout (each session's keyboard keeps the layout of the client that started it). */
    static XrdpSession session(Fixtures fixtures, String layout) {
        return fixtures.ofTheClass("xrdp-" + layout, XrdpSession.class, XrdpSession::start);
    }

    /** The session started from a copy of the fixture in a clone only root may enter. */
    static XrdpSession privateCloneSession(Fixtures fixtures) {
        return fixtures.ofTheClass(PRIVATE_CLONE, XrdpSession.class, RdpLayoutFidelityTest::startFromAPrivateClone);
    }

    /** A target per layout's session, and one for the session of the private clone. */
    static final class Sessions implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder config, Fixtures fixtures) {
            for (String layout : LAYOUTS) {
                config.target(target(layout, "xrdp session (" + layout + ")", session(fixtures, layout), layout));
            }
            config.target(target(PRIVATE_CLONE, "xrdp session started from a private clone",
                    privateCloneSession(fixtures), "en-us-qwerty"));
        }

        private static Target target(String name, String title, XrdpSession session, String layout) {
            return new Target(name, title, ConsoleSpec.builder(Protocol.RDP, "127.0.0.1", session.rdpPort())
                    .certificates(CertificatePolicy.IGNORE).credentials(session.credentials()).layout(layout)
                    .build());
        }
    }

    @BeforeAll
    static void keepServer(@InjectKeyhole(Sessions.class) RunningKeyhole keyhole) {
        server = keyhole;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-us-qwerty", "de-de-qwertz", "fr-fr-azerty", "pl-pl-qwerty"})
    void everyCharacterGuacdHasAKeyForArrivesExactly(String layout, Guacd guacd, Fixtures fixtures, Browser browser) {
        XrdpSession session = session(fixtures, layout);
        String every = LayoutTable.everyCharacter(layout);
        String noKey = GUACD_HAS_NO_KEY_FOR.getOrDefault(layout, "");
        assertTrue(noKey.codePoints().allMatch(cp -> every.indexOf(cp) >= 0),
                "the characters guacd has no key for are all in the " + layout + " table: " + noKey);
        String keyed = without(every, noKey);
        assertTrue(keyed.codePointCount(0, keyed.length()) >= 95, "too few characters for " + layout + ": " + keyed);
        if (GUACD_KEYMAPS.contains(layout)) {
            assertEquals(every.contains("€"), keyed.contains("€"), "guacd has a key for € wherever the layout has one");
        }

        browser.inFreshTab(() -> {
            ConsolePage page = ConsolePage.open(browser, server, layout).waitForState(CONNECTED);
            int line = session.nextLine();
            session.awaitReadyForLine(line, LOGON_TIMEOUT);
            assertEquals(XKB_LAYOUTS.get(layout), session.xkbLayout(),
                    "xrdp gives the session the X keyboard layout of the RDP layout guacd declares for " + layout);
            page.pastePassphraseInBox(keyed, true).waitForPassphraseSent(Duration.ofSeconds(60));
            assertEquals(hex(keyed), HexFormat.of().formatHex(session.awaitLine(line, ANSWER_TIMEOUT)),
                    "the " + layout + " session read other bytes than the box was given");

            if (!every.contains("€")) {
                // A layout without € (the US one): the box refuses it before any key is sent.
                page.enterPassphraseInBox("€", true);
                assertFalse(page.waitForRefusal().isBlank(), "the box refuses € for " + layout + " with a message");
            }
            if (!noKey.isEmpty()) {
                // The box refuses, over RDP, exactly the characters guacd has no key for, and nothing reaches
                // guacd: no Unicode event in its log, and the next line the session reads is exactly the next
                // one typed (a stray Unicode event would have left xrdp's modifiers down and garbled it).
                long logMark = size(guacd.log());
                String first = keyed.substring(0, keyed.offsetByCodePoints(0, 1));
                page.pastePassphraseInBox(first + noKey, true);
                String message = page.waitForRefusal();
                assertTrue(message.contains("over RDP"), "the refusal says it is about RDP: " + message);
                if ("VERSION_1_3_0".equals(guacdProtocol())) {
                    assertTrue(message.contains("over RDP (with the keymaps of guacd 1.3.0–1.4.0)"),
                            "the refusal names whose keymaps it went by: " + message);
                }
                assertEquals(java.util.stream.IntStream.rangeClosed(1, noKey.codePointCount(0, noKey.length()))
                                .boxed().toList(), page.markedPositions(),
                        "the box marks exactly the characters guacd 1.3 has no " + layout + " key for");

                String after = "Zz" + (keyed.contains("€") ? "€" : "") + "!";
                session.awaitReadyForLine(line + 1, ANSWER_TIMEOUT);
                page.pastePassphraseInBox(after, true).waitForPassphraseSent(Duration.ofSeconds(60));
                assertEquals(hex(after), HexFormat.of().formatHex(session.awaitLine(line + 1, ANSWER_TIMEOUT)),
                        "the " + layout + " session read other bytes after the refusal than were typed");
                assertEquals(List.of(), unicodeKeysymsLogged(guacd.log(), logMark),
                        "guacd sent no Unicode event: the refused characters never left the browser");
            }
            return null;
        });
    }

    /**
     * The xrdp session runs as {@value XrdpSession#USERNAME}, who cannot enter a clone under {@code /root} or in a
     * {@code mktemp -d} directory (0700): started from such a clone, the fixture still gives a session that reads
     * what is typed. (What that user runs and writes must not live in the clone.)
     */
    @Test
    void aSessionStartedFromACloneOtherUsersCannotEnterReadsWhatIsTyped(Fixtures fixtures, Browser browser)
            throws Exception {
        XrdpSession session = privateCloneSession(fixtures);
        Path readLines = E2ePaths.fixturePath(RdpLayoutFidelityTest.class, PRIVATE_CLONE)
                .resolve("e2e-tests/xrdp/read-lines.sh");
        assertFalse(runsAs(XrdpSession.USERNAME, "test", "-r", readLines.toString()),
                XrdpSession.USERNAME + " can read " + readLines + ": the clone is not private and proves nothing");
        String typed = "0700 clone";

        browser.inFreshTab(() -> {
            ConsolePage page = ConsolePage.open(browser, server, PRIVATE_CLONE).waitForState(CONNECTED);
            int line = session.nextLine();
            session.awaitReadyForLine(line, LOGON_TIMEOUT);
            page.pastePassphraseInBox(typed, true).waitForPassphraseSent(Duration.ofSeconds(60));
            assertEquals(hex(typed), HexFormat.of().formatHex(session.awaitLine(line, ANSWER_TIMEOUT)),
                    "the session started from the private clone read other bytes than were typed");
            return null;
        });
    }

    /**
     * Copies the checkout's {@code e2e-tests/xrdp} into {@code clone}, which only root may enter, and starts an
     * xrdp session from that copy with its directory inside the clone too.
     */
    private static XrdpSession startFromAPrivateClone(Path clone) {
        try {
            Path scripts = Files.createDirectories(clone.resolve("e2e-tests/xrdp"));
            try (Stream<Path> files = Files.list(E2ePaths.repoRoot().resolve("e2e-tests/xrdp"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, scripts.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.setPosixFilePermissions(clone, PosixFilePermissions.fromString("rwx------"));
            return XrdpSession.start(scripts, Files.createDirectories(clone.resolve("e2e-tests/target/fixtures/xrdp")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code command} succeeds as {@code user} (through runuser). */
    private static boolean runsAs(String user, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", full) + " did not finish within 30 s");
        }
        return process.exitValue() == 0;
    }

    /**
     * The Guacamole protocol version the server says guacd negotiated (the page picks guacd's keymaps by it).
     * A console has connected by the time this is asked.
     */
    private static String guacdProtocol() {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.uri().resolve("api/targets"))
                            .headers(server.signedIn().headerArray()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode protocol = new ObjectMapper().readTree(answer.body()).path("targets").path(0).path("guacdProtocol");
            assertTrue(protocol.isTextual() && protocol.textValue().matches("VERSION_\\d+_\\d+_\\d+"),
                    "the targets API names guacd's protocol version once a console has connected: " + answer.body());
            return protocol.textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String beyondAscii(String text) {
        return text.codePoints().filter(cp -> cp > 0x7e)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static String without(String text, String left) {
        return text.codePoints().filter(cp -> left.indexOf(cp) < 0)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static List<String> unicodeKeysymsLogged(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                    StandardCharsets.ISO_8859_1);
            List<String> keysyms = new ArrayList<>();
            Matcher m = UNICODE_LOG.matcher(text);
            while (m.find()) {
                keysyms.add(m.group(1));
            }
            return keysyms;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
