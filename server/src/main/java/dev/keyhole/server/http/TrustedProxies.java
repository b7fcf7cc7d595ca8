package dev.keyhole.server.http;

import dev.keyhole.server.config.AddressRange;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Behind a TLS-terminating reverse proxy ({@code tls.mode: proxy}): what the proxy says about the request it
 * forwards ({@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code Forwarded}, …) is believed when the
 * connection comes from one of the trusted proxies, through Jetty's {@link ForwardedRequestCustomizer}, and ignored
 * when it comes from anyone else, who could otherwise claim any address, scheme or host.
 *
 * <p>Believed, the headers become the request's: its remote address (the per-address limits count the browser's,
 * not the proxy's), its scheme ({@code https}: the answer carries HSTS) and its authority, which the
 * {@link FrontDoor} checks against the allowed origins. Jetty takes the left-most value of each header, so the
 * proxy must set them rather than append to what the browser sent.
 */
final class TrustedProxies implements HttpConfiguration.Customizer {

    private final List<AddressRange> trusted;
    private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();

    /** @param trusted the proxies whose forwarded headers are believed */
    TrustedProxies(List<AddressRange> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        return isTrusted(request.getConnectionMetaData().getRemoteSocketAddress())
                ? forwarded.customize(request, responseHeaders) : request;
    }

    /** @return whether {@code peer}, the other end of a connection, is one of the trusted proxies */
    boolean isTrusted(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress address) || address.getAddress() == null) {
            return false;
        }
        return trusted.stream().anyMatch(range -> range.contains(address.getAddress()));
    }
}
