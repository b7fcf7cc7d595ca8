package dev.keyhole.server.config;

import java.time.Duration;

/**
 * How much of the server one client, one console and everyone together may hold. Beyond a limit a new tunnel or
 * event stream is refused with a reason; the ones open go on.
 *
 * @param tunnels                tunnels open at once, in total
 * @param tunnelsPerAddress      tunnels open at once from one network address (behind a reverse proxy every
 *                               browser has the proxy's address, unless Keyhole believes its forwarded headers:
 *                               {@link TlsConfig.Mode#PROXY})
 * @param tunnelsPerTarget       tunnels open at once to one console
 * @param eventStreams           event streams ({@code /api/events}) open at once, in total
 * @param eventStreamsPerAddress event streams open at once from one network address
 * @param viewerLag              how far a viewer may fall behind its console (unanswered frames, a frame not taken)
 *                               before it is closed, so that it does not slow the console for everyone
 */
public record LimitsConfig(int tunnels, int tunnelsPerAddress, int tunnelsPerTarget, int eventStreams,
        int eventStreamsPerAddress, Duration viewerLag) {

    /** The defaults. */
    public static final LimitsConfig DEFAULT = new LimitsConfig(100, 20, 20, 100, 10, Duration.ofSeconds(5));

    /** @return these limits with {@code value} tunnels open at once, in total */
    public LimitsConfig withTunnels(int value) {
        return new LimitsConfig(value, tunnelsPerAddress, tunnelsPerTarget, eventStreams, eventStreamsPerAddress,
                viewerLag);
    }

    /** @return these limits with {@code value} tunnels open at once from one address */
    public LimitsConfig withTunnelsPerAddress(int value) {
        return new LimitsConfig(tunnels, value, tunnelsPerTarget, eventStreams, eventStreamsPerAddress, viewerLag);
    }

    /** @return these limits with {@code value} tunnels open at once to one console */
    public LimitsConfig withTunnelsPerTarget(int value) {
        return new LimitsConfig(tunnels, tunnelsPerAddress, value, eventStreams, eventStreamsPerAddress, viewerLag);
    }

    /** @return these limits with {@code value} event streams open at once, in total */
    public LimitsConfig withEventStreams(int value) {
        return new LimitsConfig(tunnels, tunnelsPerAddress, tunnelsPerTarget, value, eventStreamsPerAddress,
                viewerLag);
    }

    /** @return these limits with {@code value} event streams open at once from one address */
    public LimitsConfig withEventStreamsPerAddress(int value) {
        return new LimitsConfig(tunnels, tunnelsPerAddress, tunnelsPerTarget, eventStreams, value, viewerLag);
    }

    /** @return these limits with a viewer closed once it is {@code value} behind */
    public LimitsConfig withViewerLag(Duration value) {
        return new LimitsConfig(tunnels, tunnelsPerAddress, tunnelsPerTarget, eventStreams, eventStreamsPerAddress,
                value);
    }
}
