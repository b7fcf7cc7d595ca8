package dev.keyhole.server.notify;

import java.net.URI;
import java.time.Instant;

/** Notices for the tests, as console watching would make them. */
final class Notices {

    /** Where the console {@code web-1} is, as the caller gives it. */
    static final URI CONSOLE = URI.create("https://keyhole.example.org/console.html#target=web-1");
    static final Instant SINCE = Instant.parse("2031-05-06T09:58:00Z");
    static final Instant AT = Instant.parse("2031-05-06T10:00:00Z");

    private static int next;

    private Notices() {
    }

    /** @return a new notice that web-1 waits for its passphrase, with an id of its own */
    static synchronized Notice waiting() {
        return waiting(String.format("%016x", 0xa11ce000L + ++next));
    }

    /** @return the notice that web-1 waits for its passphrase, with this id */
    static Notice waiting(String id) {
        return new Notice(id, NoticeKind.WAITING_FOR_PASSPHRASE, "web-1", "Web server 1",
                "web-1 waits for its disk passphrase",
                "Web server 1 (web-1) waits for its disk passphrase at the initramfs prompt.", CONSOLE, SINCE, AT);
    }
}
