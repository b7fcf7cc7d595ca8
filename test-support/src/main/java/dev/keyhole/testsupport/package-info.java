/**
 * What the end-to-end tests ({@code e2e-tests}, test scope) and the benchmark ({@code benchmarks}, whose main code
 * drives a browser) share: {@link dev.keyhole.testsupport.Chromium}, the one place that says how Chromium is
 * started. Neither module depends on the other, and nothing here reaches the server.
 */
package dev.keyhole.testsupport;
