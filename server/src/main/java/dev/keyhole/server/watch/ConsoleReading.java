package dev.keyhole.server.watch;

import java.time.Instant;

/**
 * What Keyhole last read on a console's screen. Never its text: only what it means.
 *
 * @param target   the console
 * @param state    what the screen shows
 * @param since    when it began to show that
 * @param at       when it was last read
 * @param watching whether Keyhole is watching the console now (a while-booting watch ends once it is unlocked)
 * @param problem  why Keyhole cannot see or read the console, in words for people; null when it can
 */
public record ConsoleReading(String target, ConsoleState state, Instant since, Instant at, boolean watching,
        String problem) {
}
