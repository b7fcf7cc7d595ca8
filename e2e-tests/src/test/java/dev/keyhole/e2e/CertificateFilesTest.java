package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.keyhole.e2e.fixtures.E2ePaths;
import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.Openssl;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code tls.mode: files}: Keyhole serves the certificate and key of PEM files as {@code openssl} writes them, and
 * when they are replaced (a renewal) it serves the new certificate to new connections without a restart; a key
 * that is not the certificate's is logged and changes nothing.
 */
@KeyholeE2E
class CertificateFilesTest {

    private static final Duration RELOAD = Duration.ofSeconds(20);

    /** Where the test's certificates are made; the served pair is {@code live/cert.pem} and {@code live/key.pem}. */
    private static Path dir() {
        return E2ePaths.fixturePath(CertificateFilesTest.class, "certificates");
    }

    /** A Keyhole with the locked console, serving the certificate of {@code live/} (an EC one, made first). */
    public static final class FromFiles implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            Path dir = E2ePaths.fixtureDir(CertificateFilesTest.class, "certificates");
            Path live = dir.resolve("live");
            try {
                Files.createDirectories(live);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            install(Openssl.certificate(dir.resolve("first"), Openssl.KeyType.EC), live);
            keyhole.tls(TlsConfig.files(live.resolve("cert.pem"), live.resolve("key.pem")));
            new LockedTarget().configure(keyhole, fixtures);
        }
    }

    /** Puts a made pair in place as a renewal does: each file replaced at once, the key first. */
    private static void install(Path made, Path live) {
        try {
            for (String file : List.of("key.pem", "cert.pem")) {
                Path copy = Files.copy(made.resolve(file), live.resolve("." + file + ".new"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.move(copy, live.resolve(file), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The certificate the server presents to a new connection. The handshake's trust manager only records it (the
     * test compares it with the files'); nothing is sent over that connection.
     */
    private static X509Certificate presented(RunningKeyhole keyhole) throws Exception {
        X509Certificate[] seen = new X509Certificate[1];
        TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("a client's trust manager");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {recorder}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                keyhole.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
        }
        return seen[0];
    }

    private static HttpResponse<String> get(RunningKeyhole keyhole, X509Certificate trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("keyhole", trusted);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build().send(
                HttpRequest.newBuilder(keyhole.uri().resolve("/sign-in.html")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void itServesTheFilesCertificateAndTheRenewedOneWithoutARestart(
            @InjectKeyhole(value = FromFiles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        X509Certificate first = Openssl.read(dir().resolve("live/cert.pem"));
        assertEquals("https", keyhole.uri().getScheme());
        assertEquals(first, presented(keyhole));
        HttpResponse<String> answer = get(keyhole, first);
        assertEquals(200, answer.statusCode(), answer::body);
        assertEquals(HttpClient.Version.HTTP_2, answer.version());
        assertEquals(Optional.of("max-age=31536000"), answer.headers().firstValue("Strict-Transport-Security"));

        install(Openssl.certificate(dir().resolve("renewed"), Openssl.KeyType.RSA), dir().resolve("live"));
        X509Certificate renewed = Openssl.read(dir().resolve("live/cert.pem"));
        assertNotEquals(first, renewed);
        Waits.until("Keyhole to present the renewed certificate (an RSA one)", RELOAD, () -> {
            try {
                return presented(keyhole).getPublicKey().getAlgorithm() + " certificate";
            } catch (Exception e) {
                return e.toString();
            }
        }, () -> {
            try {
                return renewed.equals(presented(keyhole));
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> after = get(keyhole, renewed);
        assertEquals(200, after.statusCode(), after::body);
        assertTrue(after.body().contains("sign-in"), after::body);
    }

    @Test
    void aKeyThatIsNotTheCertificatesLeavesTheCertificateInUse(
            @InjectKeyhole(value = FromFiles.class, lifecycle = InjectKeyhole.Lifecycle.METHOD) RunningKeyhole keyhole)
            throws Exception {
        X509Certificate served = Openssl.read(dir().resolve("live/cert.pem"));
        Path stray = Openssl.certificate(dir().resolve("stray"), Openssl.KeyType.EC);
        try (ConnectorLog log = new ConnectorLog()) {
            Files.copy(stray.resolve("key.pem"), dir().resolve("live/.key.pem.new"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(dir().resolve("live/.key.pem.new"), dir().resolve("live/key.pem"),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Waits.until("Keyhole to say it keeps the certificate in use", RELOAD, log::toString,
                    () -> log.has("cannot be used; keeping the one in use")
                            && log.has("key.pem: is not the private key of the certificate in"));
        }
        assertEquals(served, presented(keyhole));
        assertEquals(200, get(keyhole, served).statusCode());
    }

    /** What Keyhole's HTTPS connector logs while it is open, as the operator reads it. */
    private static final class ConnectorLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final Logger logger = (Logger) LoggerFactory.getLogger("dev.keyhole.server.http.HttpsConnector");

        ConnectorLog() {
            setContext(logger.getLoggerContext());
            start();
            logger.addAppender(this);
        }

        @Override
        protected void append(ILoggingEvent event) {
            messages.add(event.getFormattedMessage());
        }

        boolean has(String text) {
            return messages.stream().anyMatch(message -> message.contains(text));
        }

        @Override
        public String toString() {
            return messages.isEmpty() ? "nothing logged" : String.join("\n", messages);
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            stop();
        }
    }
}
