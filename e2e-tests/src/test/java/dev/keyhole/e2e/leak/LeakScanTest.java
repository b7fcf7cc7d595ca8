package dev.keyhole.e2e.leak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unit tests of the leak scan's matchers (no fixtures). */
class LeakScanTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void findsEveryFormOfThePlantedSecret() {
        String secret = "Kx7-mQ.pZ2_w!r9" + LeakScan.randomSecret(RANDOM, 6);
        LeakScan scan = new LeakScan(secret);
        Set<String> found = scan.formsIn(LeakScan.plantAll(secret, RANDOM));
        assertEquals(scan.formNames(), List.copyOf(found));
    }

    @Test
    void cleanContentAndOtherSecretsAreNotFindings() {
        String secret = LeakScan.randomSecret(RANDOM, 20);
        LeakScan scan = new LeakScan(secret);
        assertEquals(Set.of(), scan.formsIn("nothing to see here\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Set.of(), scan.formsIn(LeakScan.plantAll(LeakScan.randomSecret(RANDOM, 20), RANDOM)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void findsBase64AtAnyAlignmentInsideLongerText(int prefix) {
        String secret = LeakScan.randomSecret(RANDOM, 17);
        byte[] prefixBytes = new byte[prefix];
        RANDOM.nextBytes(prefixBytes);
        byte[] all = concat(prefixBytes, secret.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4});
        byte[] encoded = Base64.getEncoder().encode(all);
        assertTrue(new LeakScan(secret).formsIn(encoded).contains("Base64 (offset " + prefix % 3 + ")"));
    }

    @Test
    void base64InnerPartIsOnlyTheSecretsOwnCharacters() {
        byte[] secret = "abcdef".getBytes(StandardCharsets.US_ASCII);
        assertEquals("YWJjZGVm", LeakScan.base64Inner(secret, 0));
        // "xabcdef?" -> eGFiY2RlZ?: 'e' and 'G' hold bits of 'x', the character after 'Z' bits of '?'.
        assertEquals("FiY2RlZ", LeakScan.base64Inner(secret, 1));
    }

    @Test
    void keyPressesAreFoundInterleavedWithReleasesAndShiftButNotOutOfOrder() {
        LeakScan scan = new LeakScan("aB1");
        String typed = "3.key,2.97,1.1;3.key,2.97,1.0;3.key,5.65505,1.1;3.key,2.66,1.1;3.key,2.66,1.0;"
                + "3.key,5.65505,1.0;4.sync,2.10;3.key,2.49,1.1;";
        assertEquals(Set.of("Guacamole key presses"), scan.formsIn(typed.getBytes(StandardCharsets.US_ASCII)));
        String reordered = "3.key,2.66,1.1;3.key,2.97,1.1;3.key,2.49,1.1;";
        assertEquals(Set.of(), scan.formsIn(reordered.getBytes(StandardCharsets.US_ASCII)));
        String releasesOnly = "3.key,2.97,1.0;3.key,2.66,1.0;3.key,2.49,1.0;";
        assertEquals(Set.of(), scan.formsIn(releasesOnly.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void scanCountsFilesAndBytesAndNamesTheFileAndForm(@TempDir Path dir) throws IOException {
        String secret = LeakScan.randomSecret(RANDOM, 16);
        Files.writeString(dir.resolve("clean.log"), "all good\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/leaky.bin"), concat(new byte[] {0, (byte) 0xFF},
                secret.getBytes(StandardCharsets.UTF_16LE)));
        LeakScan.Result result = new LeakScan(secret).scan(List.of(dir));
        assertEquals(2, result.files());
        assertEquals(9 + 2 + 2L * secret.length(), result.bytes());
        assertEquals(List.of(new LeakScan.Finding(dir.resolve("sub/leaky.bin"), "UTF-16LE")), result.findings());
        assertTrue(!result.findings().get(0).toString().contains(secret), "a finding never shows the secret");
    }

    @Test
    void aLinksTokenMayStayInTheHistoryOfTheBrowserThatOpenedItAndNowhereElse(@TempDir Path dir)
            throws IOException {
        String token = LeakScan.randomSecret(RANDOM, 43);
        Path profile = dir.resolve("profile/Default");
        Files.createDirectories(profile.resolve("Sessions"));
        Files.createDirectories(profile.resolve("Local Storage"));
        for (String file : List.of("History", "Sessions/Session_1", "Current Session", "Local Storage/000003.log",
                "Preferences")) {
            Files.writeString(profile.resolve(file), "http://127.0.0.1/join.html#" + token);
        }
        Files.writeString(dir.resolve("server.log"), "share link opened: " + token);

        LeakScan.Result result = LeakScan.scan(List.of(new LeakScan("a link", token).inUrls()), List.of(dir));
        assertEquals(List.of(dir.resolve("profile/Default/Local Storage/000003.log"),
                dir.resolve("profile/Default/Preferences"), dir.resolve("server.log")),
                result.findings().stream().map(LeakScan.Finding::file).toList());
        assertEquals(6, LeakScan.scan(List.of(new LeakScan("a password", token)), List.of(dir)).findings().size(),
                "any other secret is a finding in the history too");
        assertEquals(dev.keyhole.testsupport.LeakNeedles.LINK_TOKEN, LeakScan.LINK_TOKEN,
                "the scan reads the mark the tests write");
    }

    @Test
    void selfTestFindsTheCanaryAndRemovesIt(@TempDir Path dir) throws IOException {
        assertEquals(List.of(), LeakScan.selfTest(dir));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the canary file is deleted");
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
