package dev.keyhole.server.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What a TLS server presents: its certificate, the chain after it, and the certificate's private key.
 *
 * @param chain the certificate first, then the certificates that issued it, as a client should receive them; not
 *              empty
 * @param key   the certificate's private key; never printed
 */
public record KeyMaterial(List<X509Certificate> chain, PrivateKey key) {

    /** The alias of the one entry of {@link #keyStore}. */
    public static final String ALIAS = "keyhole";

    /** Checks that there is a certificate and a key; copies the chain, so the record stays immutable. */
    public KeyMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty() || key == null) {
            throw new IllegalArgumentException("key material needs a certificate and its key");
        }
    }

    /** @return the server's own certificate, the chain's first */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * @return the SHA-256 fingerprint of the certificate (of its DER encoding) in upper-case hex pairs separated by
     *         colons, as browsers and {@code openssl x509 -fingerprint -sha256} show it
     */
    public String sha256Fingerprint() {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate that was read cannot be encoded again", e);
        }
    }

    /**
     * @return the SHA-256 of the certificate's public key (its DER SubjectPublicKeyInfo), in base64: what Chromium's
     *         {@code --ignore-certificate-errors-spki-list} takes, and HTTP public key pins name
     */
    public String publicKeySha256() {
        return Base64.getEncoder().encodeToString(sha256(certificate().getPublicKey().getEncoded()));
    }

    /** @return the DNS names and IP addresses the certificate covers (its subject alternative names), in order */
    public List<String> names() {
        return names(certificate());
    }

    /** @return the end of the certificate's validity */
    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /**
     * @param password the password of the store and of its one entry
     * @return an in-memory PKCS#12 key store holding the key and the chain under {@link #ALIAS}
     */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, password);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the certificate and its key in a key store", e);
        }
    }

    /**
     * The DNS names and IP addresses a certificate covers, IP addresses in Java's canonical form.
     *
     * @param certificate any certificate
     * @return its subject alternative names of type DNS and IP, in order; empty when it has none
     */
    public static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return List.of();
            }
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                int type = (Integer) name.get(0);
                if (type == 2) {
                    names.add(String.valueOf(name.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == 7) {
                    names.add(InetAddress.getByName(String.valueOf(name.get(1))).getHostAddress());
                }
            }
        } catch (CertificateParsingException | IOException e) {
            return List.copyOf(names);
        }
        return List.copyOf(names);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** @return the certificate's subject, names and fingerprint; never the key */
    @Override
    public String toString() {
        return "KeyMaterial[" + certificate().getSubjectX500Principal().getName() + ", names " + names() + ", SHA-256 "
                + sha256Fingerprint() + "]";
    }
}
