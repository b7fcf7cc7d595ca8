package dev.keyhole.server.http;

import dev.keyhole.server.config.HttpConfig;
import dev.keyhole.server.tls.CertificateProblem;
import dev.keyhole.server.tls.CertificateSource;
import dev.keyhole.server.tls.KeyMaterial;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Scanner;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port under TLS: HTTPS only, HTTP/2 or HTTP/1.1 as the client's ALPN asks (HTTP/1.1 when it asks nothing),
 * with the certificate of a {@link CertificateSource}, loaded again when its files change.
 *
 * <p>WebSockets stay on HTTP/1.1 connections: HTTP/2 does not announce extended CONNECT (RFC 8441), so browsers open
 * the tunnel's {@code wss://} over a connection of its own, where its flow control is the one the tunnel's limits
 * were made for (a WebSocket over an HTTP/2 stream also shares that connection's window with the page's requests).
 */
final class HttpsConnector {

    private static final Logger log = LoggerFactory.getLogger(HttpsConnector.class);

    /**
     * The password of the in-memory key store handed to Jetty. It protects nothing: the store never leaves this
     * process, whose memory holds the key anyway; PKCS#12 just wants one.
     */
    private static final String KEY_STORE_PASSWORD = "in-memory";

    /** How often the directories of the certificate's files are looked at, in seconds (Jetty's {@link Scanner}). */
    private static final int SCAN_INTERVAL = 1;

    private HttpsConnector() {
    }

    /**
     * Builds the connector and adds it to {@code server}, with the scanner of the certificate's files, if any, as
     * a bean that starts and stops with it.
     *
     * @param server        the server
     * @param http          where to listen
     * @param configuration the HTTP configuration, to which the secure-request customizer is added
     * @param certificates  the certificate's source
     * @return the connector
     * @throws CertificateProblem when the certificate cannot be loaded
     */
    static ServerConnector add(Server server, HttpConfig http, HttpConfiguration configuration,
            CertificateSource certificates) throws CertificateProblem {
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // The front door checks the Host against the allowed origins, and answers in its own words.
        secure.setSniHostCheck(false);
        configuration.addCustomizer(secure);

        KeyMaterial material = certificates.load();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        use(ssl, material);
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);

        HttpConnectionFactory http1 = new HttpConnectionFactory(configuration);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(configuration);
        http2.setConnectProtocolEnabled(false);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());

        ServerConnector connector = new ServerConnector(server, tls, alpn, http2, http1);
        connector.setHost(http.bind());
        connector.setPort(http.port());
        server.addConnector(connector);
        describe("TLS certificate", material);
        if (!certificates.files().isEmpty()) {
            server.addBean(new Reloader(certificates, ssl, material));
        }
        return connector;
    }

    private static void use(SslContextFactory ssl, KeyMaterial material) {
        ssl.setKeyStore(material.keyStore(KEY_STORE_PASSWORD.toCharArray()));
        ssl.setKeyStorePassword(KEY_STORE_PASSWORD);
        ssl.setCertAlias(KeyMaterial.ALIAS);
    }

    /** Logs what people compare with what their browser shows. */
    private static void describe(String what, KeyMaterial material) {
        log.info("{} for {}, valid until {}; SHA-256 fingerprint {}", what, String.join(", ", material.names()),
                material.notAfter(), material.sha256Fingerprint());
        log.info("Its public key's SHA-256 (base64): {}, for Chromium: --ignore-certificate-errors-spki-list={}",
                material.publicKeySha256(), material.publicKeySha256());
    }

    /**
     * Loads the certificate again when something changed in a directory of its files and stayed so for a scan
     * (Jetty's scanner reports a change once it is stable, so a file being written is not read half-way). The
     * directories are watched rather than the files because renewals often swap what a file name points at
     * (certbot's {@code live/} links); a change that leaves the certificate and key as they were changes nothing.
     * New connections get the new certificate; open ones keep theirs. A certificate that cannot be loaded (a key
     * not yet renewed with it, say) leaves the one in use, and the next change tries again.
     */
    private static final class Reloader extends ContainerLifeCycle implements Scanner.BulkListener {

        private final CertificateSource certificates;
        private final SslContextFactory.Server ssl;
        /** What the connector presents now; changed on the scanner's thread only. */
        private KeyMaterial current;

        Reloader(CertificateSource certificates, SslContextFactory.Server ssl, KeyMaterial current) {
            this.certificates = certificates;
            this.ssl = ssl;
            this.current = current;
            Scanner scanner = new Scanner();
            for (Path directory : certificates.files().stream().map(f -> f.toAbsolutePath().getParent()).distinct()
                    .toList()) {
                scanner.addDirectory(directory);
            }
            scanner.setScanDepth(1);
            scanner.setReportDirs(false);
            scanner.setScanInterval(SCAN_INTERVAL);
            scanner.setReportExistingFilesOnStartup(false);
            scanner.addListener(this);
            addBean(scanner);
        }

        @Override
        public void pathsChanged(Map<Path, Scanner.Notification> changes) {
            KeyMaterial material;
            try {
                material = certificates.load();
            } catch (CertificateProblem e) {
                log.warn("The TLS certificate's files changed, but the new certificate cannot be used; keeping the "
                        + "one in use: {}", e.getMessage());
                return;
            }
            if (material.sha256Fingerprint().equals(current.sha256Fingerprint())
                    && Arrays.equals(material.key().getEncoded(), current.key().getEncoded())) {
                return;
            }
            try {
                ssl.reload(factory -> use(factory, material));
            } catch (Exception e) {
                log.warn("Installing the new TLS certificate failed; keeping the one in use: {}", e.toString());
                return;
            }
            current = material;
            describe("Reloaded the TLS certificate", material);
        }

        @Override
        public void filesChanged(Set<String> filenames) {
            // pathsChanged(Map) handles every change
        }
    }
}
