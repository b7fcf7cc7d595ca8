package dev.keyhole.server.tls;

import dev.keyhole.server.config.AddressRange;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * A self-signed certificate Keyhole makes for itself with Bouncy Castle and keeps in a directory of its data
 * directory ({@value #CERTIFICATE_FILE}, and its key in {@value #KEY_FILE}, readable by Keyhole's user only), so
 * that its fingerprints stay the same from one start to the next. A new one is made when there is none, when it
 * does not cover exactly the configured names, when it has less than {@link #RENEW_BEFORE} left, or when the files
 * cannot be read.
 *
 * <p>The certificate is a server's leaf (not a CA): an ECDSA P-256 key, the names as subject alternative names
 * (DNS names and IP addresses), key usage digital signature, extended key usage server authentication, valid for
 * {@link #VALIDITY}, which is as long as Apple's platforms accept for a TLS server's certificate.
 */
public final class SelfSignedCertificate implements CertificateSource {

    /** The certificate's file in the directory, PEM. */
    public static final String CERTIFICATE_FILE = "self-signed.crt";
    /** Its private key's file in the directory, PEM (PKCS#8), mode 0600. */
    public static final String KEY_FILE = "self-signed.key";
    /** How long a new certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(825);
    /** A certificate with less time than this left is replaced. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private final KeyMaterial material;
    private final Path directory;
    private final String made;

    private SelfSignedCertificate(KeyMaterial material, Path directory, String made) {
        this.material = material;
        this.directory = directory;
        this.made = made;
    }

    /**
     * The certificate kept in {@code directory} when it covers {@code names}, else a new one, written there.
     *
     * @param directory where the certificate is kept (created, readable by Keyhole's user only, when missing)
     * @param names     the DNS names and IP addresses it must cover, the first also its subject's common name; not
     *                  empty
     * @param clock     the time its validity starts at and is checked against
     * @param random    the randomness of its key and serial number
     * @return the certificate kept or made
     * @throws CertificateProblem when it cannot be written there
     */
    public static SelfSignedCertificate obtain(Path directory, List<String> names, Clock clock, SecureRandom random)
            throws CertificateProblem {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a certificate must cover at least one name");
        }
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        String why;
        if (Files.exists(certificateFile) || Files.exists(keyFile)) {
            try {
                KeyMaterial kept = PemFiles.read(certificateFile, keyFile);
                why = reasonToReplace(kept, names, clock.instant());
                if (why == null) {
                    keepPrivate(keyFile);
                    return new SelfSignedCertificate(kept, directory, "");
                }
            } catch (CertificateProblem e) {
                why = "the one kept there cannot be used (" + e.getMessage() + ")";
            }
        } else {
            why = "there was none";
        }
        KeyMaterial made = generate(names, clock.instant(), random);
        write(directory, made);
        return new SelfSignedCertificate(made, directory, why);
    }

    @Override
    public KeyMaterial load() {
        return material;
    }

    /** @return no files: the certificate changes only when Keyhole starts */
    @Override
    public List<Path> files() {
        return List.of();
    }

    /** @return the file holding the certificate */
    public Path certificateFile() {
        return directory.resolve(CERTIFICATE_FILE);
    }

    /** @return whether {@link #obtain} made this certificate (rather than finding it kept) */
    public boolean isNew() {
        return !made.isEmpty();
    }

    /** @return why {@link #obtain} made a new certificate ("there was none", "the names changed …"); empty if not */
    public String whyNew() {
        return made;
    }

    /** @return why the kept certificate must be replaced, or null when it may be used */
    private static String reasonToReplace(KeyMaterial kept, List<String> names, Instant now) {
        Set<String> wanted = canonical(names);
        Set<String> covered = new LinkedHashSet<>(kept.names());
        if (!covered.equals(wanted)) {
            return "the names changed (it covered " + String.join(", ", covered) + ")";
        }
        if (kept.notAfter().isBefore(now.plus(RENEW_BEFORE))) {
            return "the one kept there " + (kept.notAfter().isBefore(now) ? "expired on " : "expires on ")
                    + kept.notAfter();
        }
        return null;
    }

    /** The names as {@link KeyMaterial#names} reads them from a certificate: lower case, IP addresses canonical. */
    private static Set<String> canonical(List<String> names) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String name : names) {
            canonical.add(isIpAddress(name) ? ipAddress(name).getHostAddress() : name.toLowerCase(Locale.ROOT));
        }
        return canonical;
    }

    /** Makes a new certificate and key for {@code names}, valid from an hour before {@code now}. */
    static KeyMaterial generate(List<String> names, Instant now, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Keyhole (self-signed)")
                    .addRDN(BCStyle.CN, names.get(0)).build();
            // The clocks of the browsers that see it may run a little behind this one.
            Instant notBefore = now.minus(Duration.ofHours(1));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(159, random).add(BigInteger.ONE), Date.from(notBefore),
                    Date.from(notBefore.plus(VALIDITY)), subject, pair.getPublic());
            List<GeneralName> alternatives = new ArrayList<>();
            for (String name : names) {
                alternatives.add(isIpAddress(name)
                        ? new GeneralName(GeneralName.iPAddress, ipAddress(name).getHostAddress())
                        : new GeneralName(GeneralName.dNSName, name.toLowerCase(Locale.ROOT)));
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(alternatives.toArray(new GeneralName[0])));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                            .build(pair.getPrivate())));
            return new KeyMaterial(List.of(certificate), pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("this Java cannot make an ECDSA P-256 certificate", e);
        }
    }

    /** Writes the key (0600) and then the certificate, each replacing its file at once. */
    private static void write(Path directory, KeyMaterial material) throws CertificateProblem {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
            }
        } catch (FileAlreadyExistsException e) {
            throw new CertificateProblem(directory, "is not a directory", e);
        } catch (IOException e) {
            throw new CertificateProblem(directory, "cannot be created: " + e, e);
        }
        String key;
        try {
            key = pem(new JcaPKCS8Generator(material.key(), null));
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot write an ECDSA key as PKCS#8", e);
        }
        replace(directory.resolve(KEY_FILE), key, OWNER_ONLY);
        replace(directory.resolve(CERTIFICATE_FILE), pem(material.certificate()), PUBLIC);
    }

    /** Writes {@code text} to a new file beside {@code file}, created with {@code permissions}, and moves it there. */
    private static void replace(Path file, String text, Set<PosixFilePermission> permissions)
            throws CertificateProblem {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".new",
                    PosixFilePermissions.asFileAttribute(permissions));
            // The umask may have narrowed the permissions at creation; these are the file's own.
            Files.setPosixFilePermissions(temporary, permissions);
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                if (temporary != null) {
                    Files.deleteIfExists(temporary);
                }
            } catch (IOException ignored) {
                // the write's own failure is the one to report
            }
            throw new CertificateProblem(file, "cannot be written: " + e, e);
        }
    }

    /** Makes sure the kept key is readable by Keyhole's user only, as it was written. */
    private static void keepPrivate(Path keyFile) throws CertificateProblem {
        try {
            if (!Files.getPosixFilePermissions(keyFile).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(keyFile, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new CertificateProblem(keyFile, "cannot be made readable by Keyhole's user only: " + e, e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (Writer writer = text; JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException("writing PEM to memory", e);
        }
        return text.toString();
    }

    private static boolean isIpAddress(String name) {
        return AddressRange.isLiteral(name);
    }

    private static InetAddress ipAddress(String name) {
        return AddressRange.literal(name);
    }
}
