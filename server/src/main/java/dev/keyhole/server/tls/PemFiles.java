package dev.keyhole.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate and its key from PEM files, as certbot, {@code openssl} and most CAs write them: the certificate
 * followed by its chain in one file, the unencrypted private key in another (PKCS#8 {@code PRIVATE KEY}, or
 * OpenSSL's {@code RSA PRIVATE KEY} and {@code EC PRIVATE KEY}). Each {@link #load} reads both files again and
 * checks that the key is the certificate's.
 */
public final class PemFiles implements CertificateSource {

    private final Path certificate;
    private final Path key;

    /**
     * @param certificate the certificate, then its chain
     * @param key         the certificate's private key
     */
    public PemFiles(Path certificate, Path key) {
        this.certificate = certificate;
        this.key = key;
    }

    @Override
    public KeyMaterial load() throws CertificateProblem {
        return read(certificate, key);
    }

    @Override
    public List<Path> files() {
        return List.of(certificate, key);
    }

    /**
     * Reads a certificate chain and its key.
     *
     * @param certificateFile the certificate, then its chain
     * @param keyFile         the private key
     * @return the chain and the key
     * @throws CertificateProblem naming the file at fault: unreadable, no certificate or key in it, an encrypted
     *                            key, or a key that is not the certificate's
     */
    public static KeyMaterial read(Path certificateFile, Path keyFile) throws CertificateProblem {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
        for (Object object : objects(certificateFile)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    chain.add(certificates.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new CertificateProblem(certificateFile, "holds a certificate Java cannot read: " + e, e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new CertificateProblem(certificateFile, "holds no certificate (no '-----BEGIN CERTIFICATE-----' "
                    + "block)", null);
        }
        PrivateKey privateKey = privateKey(keyFile);
        if (!belongTogether(privateKey, chain.get(0).getPublicKey())) {
            throw new CertificateProblem(keyFile, "is not the private key of the certificate in " + certificateFile,
                    null);
        }
        return new KeyMaterial(chain, privateKey);
    }

    private static PrivateKey privateKey(Path keyFile) throws CertificateProblem {
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        for (Object object : objects(keyFile)) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return keys.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    // OpenSSL's own form; its public part is optional, the private part is all that is needed.
                    return keys.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw new CertificateProblem(keyFile, "holds a key Java cannot use: " + e.getMessage(), e);
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new CertificateProblem(keyFile, "holds an encrypted key: Keyhole needs it unencrypted, readable "
                        + "only by Keyhole's user (openssl pkey -in KEY -out PLAIN.key; chmod 600 PLAIN.key)", null);
            }
        }
        throw new CertificateProblem(keyFile, "holds no private key (no '-----BEGIN PRIVATE KEY-----' block, nor an "
                + "RSA or EC one)", null);
    }

    /** Every PEM object of a file, in order; blocks Bouncy Castle does not know are skipped. */
    private static List<Object> objects(Path file) throws CertificateProblem {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (NoSuchFileException e) {
            throw new CertificateProblem(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CertificateProblem(file, "Keyhole's user may not read it", e);
        } catch (IOException e) {
            throw new CertificateProblem(file, "cannot be read as PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: the key is the certificate's. */
    static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] data = "keyhole: is this the certificate's key?".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
