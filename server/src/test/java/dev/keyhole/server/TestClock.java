package dev.keyhole.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for tests that stands still until the test moves it. */
public final class TestClock extends Clock {

    private Instant now;

    /** @param start the time it shows until moved */
    public TestClock(Instant start) {
        this.now = start;
    }

    /** @param by how far to move it forwards */
    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock is in UTC");
    }
}
