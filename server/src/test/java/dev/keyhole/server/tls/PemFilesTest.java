package dev.keyhole.server.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates and keys from PEM files in the forms CAs, certbot and openssl write them, and what is refused. */
class PemFilesTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path dir;

    private static String pem(Object... objects) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
        return text.toString();
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** An RSA certificate for {@code name}, signed by {@code issuer}'s key (itself when null). */
    private static X509Certificate rsaCertificate(String name, KeyPair pair, KeyPair issuer, String issuerName)
            throws Exception {
        KeyPair signer = issuer == null ? pair : issuer;
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + (issuer == null ? name : issuerName)), BigInteger.valueOf(7),
                Date.from(NOW), Date.from(NOW.plusSeconds(86_400)), new X500Name("CN=" + name), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
    }

    @Test
    void aPkcs8KeyAndItsCertificate() throws Exception {
        KeyMaterial made = SelfSignedCertificate.generate(List.of("keyhole.lan"), NOW, new SecureRandom());
        KeyMaterial read = PemFiles.read(file("cert.pem", pem(made.certificate())),
                file("key.pem", pem(new JcaPKCS8Generator(made.key(), null))));
        assertEquals(made.sha256Fingerprint(), read.sha256Fingerprint());
        assertArrayEquals(made.key().getEncoded(), read.key().getEncoded());
    }

    /** Runs Debian's {@code openssl} in the test's directory; it must succeed. */
    private void openssl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertEquals(0, process.waitFor(), () -> command + ": " + read(dir.resolve("openssl.log")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void keysAsOpenSslWritesThem() throws Exception {
        List<String[]> keys = List.of(
                new String[] {"ec.key", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.key"},
                new String[] {"rsa.key", "genrsa", "-traditional", "-out", "rsa.key", "2048"},
                new String[] {"pkcs8.key", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                        "pkcs8.key"},
                new String[] {"ed25519.key", "genpkey", "-algorithm", "ed25519", "-out", "ed25519.key"});
        for (String[] key : keys) {
            openssl(java.util.Arrays.copyOfRange(key, 1, key.length));
            openssl("req", "-new", "-x509", "-key", key[0], "-subj", "/CN=keyhole.lan", "-addext",
                    "subjectAltName=DNS:keyhole.lan,IP:192.0.2.10", "-days", "2", "-out", key[0] + ".crt");
            KeyMaterial read = PemFiles.read(dir.resolve(key[0] + ".crt"), dir.resolve(key[0]));
            assertEquals(List.of("keyhole.lan", "192.0.2.10"), read.names(), key[0]);
            read.keyStore("x".toCharArray());
        }
        assertTrue(Files.readString(dir.resolve("ec.key")).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("rsa.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("pkcs8.key")).startsWith("-----BEGIN PRIVATE KEY-----"));

        openssl("pkey", "-in", "ec.key", "-aes128", "-passout", "pass:secret", "-out", "encrypted.key");
        CertificateProblem locked = assertThrows(CertificateProblem.class,
                () -> PemFiles.read(dir.resolve("ec.key.crt"), dir.resolve("encrypted.key")));
        assertTrue(locked.reason().startsWith("holds an encrypted key"), locked::getMessage);
        CertificateProblem mixed = assertThrows(CertificateProblem.class,
                () -> PemFiles.read(dir.resolve("ec.key.crt"), dir.resolve("rsa.key")));
        assertEquals(dir.resolve("rsa.key"), mixed.file());
    }

    @Test
    void aChainAfterTheCertificate() throws Exception {
        KeyPair ca = rsa();
        KeyPair server = rsa();
        X509Certificate leaf = rsaCertificate("keyhole.example.org", server, ca, "Test CA");
        X509Certificate root = rsaCertificate("Test CA", ca, null, null);
        KeyMaterial chain = PemFiles.read(file("fullchain.pem", pem(leaf, root)),
                file("privkey.pem", pem(new JcaPKCS8Generator(server.getPrivate(), null))));
        assertEquals(List.of(leaf, root), chain.chain());
        assertEquals(2, chain.keyStore("x".toCharArray()).getCertificateChain(KeyMaterial.ALIAS).length);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        KeyMaterial one = SelfSignedCertificate.generate(List.of("one.lan"), NOW, new SecureRandom());
        KeyMaterial other = SelfSignedCertificate.generate(List.of("other.lan"), NOW, new SecureRandom());
        Path certificate = file("cert.pem", pem(one.certificate()));
        Path key = file("key.pem", pem(new JcaPKCS8Generator(other.key(), null)));
        CertificateProblem problem = assertThrows(CertificateProblem.class, () -> PemFiles.read(certificate, key));
        assertEquals(key, problem.file());
        assertEquals("is not the private key of the certificate in " + certificate, problem.reason());

        Path rsaKey = file("rsa.pem", pem(rsa().getPrivate()));
        assertEquals(rsaKey, assertThrows(CertificateProblem.class, () -> PemFiles.read(certificate, rsaKey)).file());
    }

    @Test
    void whatIsMissingIsNamed() throws Exception {
        KeyMaterial made = SelfSignedCertificate.generate(List.of("keyhole.lan"), NOW, new SecureRandom());
        Path certificate = file("cert.pem", pem(made.certificate()));
        Path key = file("key.pem", pem(new JcaPKCS8Generator(made.key(), null)));

        Path keyOnly = file("key-as-cert.pem", Files.readString(key));
        CertificateProblem noCertificate = assertThrows(CertificateProblem.class, () -> PemFiles.read(keyOnly, key));
        assertEquals(keyOnly + ": holds no certificate (no '-----BEGIN CERTIFICATE-----' block)",
                noCertificate.getMessage());

        CertificateProblem noKey = assertThrows(CertificateProblem.class, () -> PemFiles.read(certificate,
                certificate));
        assertTrue(noKey.getMessage().startsWith(certificate + ": holds no private key"), noKey::getMessage);

        Path missing = dir.resolve("missing.pem");
        assertEquals(missing + ": no such file",
                assertThrows(CertificateProblem.class, () -> PemFiles.read(missing, key)).getMessage());
        assertEquals(List.of(certificate, key), new PemFiles(certificate, key).files());
    }
}
