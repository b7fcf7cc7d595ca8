/**
 * The certificate Keyhole's port presents under TLS: generated and kept in the data directory
 * ({@link dev.keyhole.server.tls.SelfSignedCertificate}, Bouncy Castle), or read from the operator's PEM files
 * ({@link dev.keyhole.server.tls.PemFiles}); either is a {@link dev.keyhole.server.tls.CertificateSource} that the
 * HTTP edge loads and, when its files change, loads again. {@link dev.keyhole.server.tls.KeyMaterial} is what a
 * source yields: the chain, its key, and the fingerprints people compare in their browser.
 *
 * <p>Nothing here knows Jetty: the edge turns key material into its TLS connector.
 */
package dev.keyhole.server.tls;
