/**
 * The relay benchmark ({@code ./keyhole bench}): recordings of real consoles through real guacd, replayed by a guacd
 * stand-in the way guacd writes, measured straight from it, from a WebSocket server with nothing behind it, through
 * Keyhole's tunnel, through Apache Guacamole's own tunnel and through guacamole-lite, side by side in one run, by a
 * Java client that counts bytes and by a browser-like client on Node.js.
 *
 * <p>{@link dev.keyhole.bench.Benchmark} is the entry point; {@code docs/benchmarks.md} explains the figures.
 */
package dev.keyhole.bench;
