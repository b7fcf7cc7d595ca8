package dev.keyhole.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyhole.e2e.fixtures.Fixtures;
import dev.keyhole.e2e.fixtures.InjectKeyhole;
import dev.keyhole.e2e.fixtures.KeyholeE2E;
import dev.keyhole.e2e.fixtures.KeyholeSetup;
import dev.keyhole.e2e.fixtures.LockedTarget;
import dev.keyhole.e2e.fixtures.RunningKeyhole;
import dev.keyhole.e2e.fixtures.Waits;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.config.LimitsConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The configured limits, on a Keyhole of their own: tunnels and event streams beyond them are refused with the
 * key to raise, the open ones go on, and a place freed is taken again.
 */
@KeyholeE2E
class LimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The locked console, with two tunnels per address. */
    static final class TwoTunnelsPerAddress implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            keyhole.limits(LimitsConfig.DEFAULT.withTunnelsPerAddress(2));
        }
    }

    /** The locked console, with two event streams per address. */
    static final class TwoEventStreamsPerAddress implements KeyholeSetup {
        @Override
        public void configure(KeyholeConfig.Builder keyhole, Fixtures fixtures) {
            new LockedTarget().configure(keyhole, fixtures);
            keyhole.limits(LimitsConfig.DEFAULT.withEventStreamsPerAddress(2));
        }
    }

    @Test
    void tunnelsBeyondTheLimitPerAddressAreRefusedAndTheOpenOnesGoOn(
            @InjectKeyhole(TwoTunnelsPerAddress.class) RunningKeyhole limited) throws Exception {
        RawTunnel.awaitConsole(limited.tunnel(RunningKeyhole.TARGET));
        tunnelsBeyondTheLimitAreRefused(limited);
    }

    private static void tunnelsBeyondTheLimitAreRefused(RunningKeyhole limited) throws Exception {
        // A tunnel closed just before is counted out when its close arrives: a new one may be refused a moment.
        try (RawTunnel first = RawTunnel.openUntilItReceives(limited.tunnel(RunningKeyhole.TARGET), 0, WAIT);
             RawTunnel second = RawTunnel.openUntilItReceives(limited.tunnel(RunningKeyhole.TARGET), 0, WAIT)) {
            try (RawTunnel third = RawTunnel.open(limited.tunnel(RunningKeyhole.TARGET))) {
                RawTunnel.Close refused = third.awaitClose(WAIT);
                assertTrue(refused.reason().startsWith("797 Too many tunnels from 127.0.0.1"), refused::toString);
                assertEquals(0, third.received(), "the refused tunnel got nothing of the console");
            }
            first.close();
            // Once one of the two has closed, a new tunnel is admitted again (a moment later).
            RawTunnel.openUntilItReceives(limited.tunnel(RunningKeyhole.TARGET), 0, WAIT).close();
            assertNull(second.closeStatus(), "the open tunnel went on");
        }
    }

    @Test
    void eventStreamsBeyondTheLimitPerAddressAreRefused(
            @InjectKeyhole(TwoEventStreamsPerAddress.class) RunningKeyhole limited) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI events = limited.uri().resolve("/api/events");
        String[] as = limited.signedIn().headerArray();
        InputStream first = stream(http, events, as, 200);
        InputStream second = stream(http, events, as, 200);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(events).headers(limited.signedIn().headerArray()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused::body);
        assertTrue(refused.body().contains("limits.event-streams-per-address"), refused::body);
        first.close();
        // The server notices a page has gone when a write to it fails: at the latest at the next keep-alive.
        Waits.until("an event stream to be admitted again once one of the two closed", Duration.ofSeconds(40),
                () -> "each new stream was refused", () -> {
                    try {
                        HttpResponse<InputStream> again = http.send(
                                HttpRequest.newBuilder(events).headers(limited.signedIn().headerArray()).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        again.body().close();
                        return again.statusCode() == 200;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        second.close();
    }

    private static InputStream stream(HttpClient http, URI uri, String[] as, int status)
            throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(uri).headers(as).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(status, response.statusCode());
        return response.body();
    }

}
