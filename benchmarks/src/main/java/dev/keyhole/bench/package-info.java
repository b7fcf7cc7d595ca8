/**
 * The relay benchmark ({@code ./keyhole bench}): one client measures the same recorded guacd stream straight from
 * a guacd stand-in, from a WebSocket server with nothing behind it, through Keyhole's tunnel, through Apache
 * Guacamole's own tunnel and through guacamole-lite, side by side in one run.
 *
 * <p>{@link dev.keyhole.bench.Benchmark} is the entry point; {@code docs/benchmarks.md} explains the figures.
 */
package dev.keyhole.bench;
