/**
 * What the tests of several modules (and the benchmark, whose main code drives a browser) share, written once:
 * {@link dev.keyhole.testsupport.Chromium}, the one place that says how Chromium is started,
 * {@link dev.keyhole.testsupport.PostgresCluster}, a real PostgreSQL server in a temporary directory, and the
 * receivers notifications are sent to: {@link dev.keyhole.testsupport.HttpSink} (a webhook or ntfy server) and
 * {@link dev.keyhole.testsupport.SmtpServer} (aiosmtpd with STARTTLS). The server's and the end-to-end tests take it
 * in test scope; nothing here reaches the server's own code.
 */
package dev.keyhole.testsupport;
