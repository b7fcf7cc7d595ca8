package dev.keyhole.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed certificate: made once for its names, kept (its key 0600), and made again only when it must. */
class SelfSignedCertificateTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final List<String> NAMES = List.of("localhost", "127.0.0.1", "keyhole.lan", "::1");

    @TempDir
    Path dataDir;

    private Path dir() {
        return dataDir.resolve("tls");
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private SelfSignedCertificate obtain(List<String> names, Instant now) throws CertificateProblem {
        return SelfSignedCertificate.obtain(dir(), names, at(now), new SecureRandom());
    }

    @Test
    void theFirstStartMakesALeafCertificateForTheNames() throws Exception {
        SelfSignedCertificate made = obtain(NAMES, NOW);
        assertTrue(made.isNew());
        assertEquals("there was none", made.whyNew());
        X509Certificate certificate = made.load().certificate();
        assertEquals(List.of("localhost", "127.0.0.1", "keyhole.lan", "0:0:0:0:0:0:0:1"), made.load().names());
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage(), "server authentication");
        assertTrue(certificate.getKeyUsage()[0], "digital signature");
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        certificate.verify(certificate.getPublicKey());
        assertEquals(NOW.minus(Duration.ofHours(1)), certificate.getNotBefore().toInstant());
        assertEquals(NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(825)), certificate.getNotAfter().toInstant());
        assertTrue(certificate.getSubjectX500Principal().getName().contains("CN=localhost"),
                certificate.getSubjectX500Principal()::getName);

        assertEquals(made.certificateFile(), dir().resolve("self-signed.crt"));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir().resolve("self-signed.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir())));
        assertTrue(Files.readString(dir().resolve("self-signed.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(made.certificateFile()).startsWith("-----BEGIN CERTIFICATE-----"));
        try (var files = Files.list(dir())) {
            assertEquals(2, files.count(), "no temporary file is left");
        }
    }

    @Test
    void theFingerprintsAreOfTheCertificateAndOfItsPublicKey() throws Exception {
        KeyMaterial material = obtain(NAMES, NOW).load();
        byte[] certificateHash = MessageDigest.getInstance("SHA-256").digest(material.certificate().getEncoded());
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase().formatHex(certificateHash),
                material.sha256Fingerprint());
        assertTrue(material.sha256Fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"),
                material::sha256Fingerprint);
        byte[] keyHash = MessageDigest.getInstance("SHA-256").digest(
                material.certificate().getPublicKey().getEncoded());
        assertArrayEquals(keyHash, Base64.getDecoder().decode(material.publicKeySha256()));
        assertFalse(material.toString().contains(Base64.getEncoder().encodeToString(material.key().getEncoded())),
                "the key is never printed");
    }

    @Test
    void laterStartsKeepItWhateverTheOrderOfTheNames() throws Exception {
        KeyMaterial first = obtain(NAMES, NOW).load();
        SelfSignedCertificate again = obtain(List.of("::1", "keyhole.lan", "127.0.0.1", "localhost"),
                NOW.plus(Duration.ofDays(100)));
        assertFalse(again.isNew(), again::whyNew);
        assertEquals(first.sha256Fingerprint(), again.load().sha256Fingerprint());
        assertArrayEquals(first.key().getEncoded(), again.load().key().getEncoded());
    }

    @Test
    void otherNamesMakeANewOne() throws Exception {
        KeyMaterial first = obtain(NAMES, NOW).load();
        SelfSignedCertificate renamed = obtain(List.of("localhost", "127.0.0.1", "keyhole.home"), NOW);
        assertTrue(renamed.isNew());
        assertEquals("the names changed (it covered localhost, 127.0.0.1, keyhole.lan, 0:0:0:0:0:0:0:1)",
                renamed.whyNew());
        assertNotEquals(first.sha256Fingerprint(), renamed.load().sha256Fingerprint());
        assertNotEquals(first.publicKeySha256(), renamed.load().publicKeySha256(), "a new key too");
        assertFalse(obtain(List.of("localhost", "127.0.0.1", "keyhole.home"), NOW).isNew(), "and that one is kept");
    }

    @Test
    void aCertificateNearItsEndIsReplaced() throws Exception {
        KeyMaterial first = obtain(NAMES, NOW).load();
        Instant end = first.notAfter();
        assertFalse(obtain(NAMES, end.minus(Duration.ofDays(31))).isNew());
        SelfSignedCertificate renewed = obtain(NAMES, end.minus(Duration.ofDays(29)));
        assertTrue(renewed.isNew());
        assertEquals("the one kept there expires on " + end, renewed.whyNew());
        assertTrue(renewed.load().notAfter().isAfter(end));
    }

    @Test
    void aKeyReadableByOthersIsMadePrivateAgain() throws Exception {
        obtain(NAMES, NOW);
        Path key = dir().resolve("self-signed.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertFalse(obtain(NAMES, NOW).isNew());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void filesThatCannotBeUsedAreReplaced() throws Exception {
        KeyMaterial first = obtain(NAMES, NOW).load();
        Files.writeString(dir().resolve("self-signed.key"), "not a key\n");
        SelfSignedCertificate replaced = obtain(NAMES, NOW);
        assertTrue(replaced.isNew());
        assertTrue(replaced.whyNew().startsWith("the one kept there cannot be used ("), replaced::whyNew);
        assertTrue(replaced.whyNew().contains("holds no private key"), replaced::whyNew);
        assertNotEquals(first.sha256Fingerprint(), replaced.load().sha256Fingerprint());

        Files.delete(dir().resolve("self-signed.crt"));
        assertTrue(obtain(NAMES, NOW).isNew(), "a key without its certificate");
    }

    @Test
    void aDataDirectoryThatCannotHoldItIsAProblem() throws Exception {
        Files.writeString(dir(), "a file, not a directory");
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> obtain(NAMES, NOW));
        assertEquals(dir(), problem.file());
        assertEquals("is not a directory", problem.reason());
    }
}
