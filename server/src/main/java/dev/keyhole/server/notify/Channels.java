package dev.keyhole.server.notify;

import dev.keyhole.server.config.NotifyConfig;
import dev.keyhole.server.config.NotifyConfig.EmailConfig;
import dev.keyhole.server.config.NotifyConfig.NtfyConfig;
import dev.keyhole.server.config.NotifyConfig.WebhookConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Makes the configured channels: one {@link Channel} per {@code notify.channels} entry, of its type's class. */
public final class Channels {

    /** How long connecting to a webhook or an ntfy server may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private Channels() {
    }

    /**
     * @param config the {@code notify:} section
     * @param clock  the time webhooks sign
     * @return its channels, in its order; the HTTP ones share one client, email uses the JDK's trusted certificates
     */
    public static List<Channel> from(NotifyConfig config, Clock clock) {
        HttpClient http = httpClient();
        return config.channels().stream().map(channel -> of(channel, http, clock)).toList();
    }

    /**
     * @return the client webhooks and ntfy POST with: HTTP/1.1 (what receivers surely speak), a connect timeout, and
     *         redirects never followed (a notice goes where it was configured to, and nowhere else)
     */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static Channel of(NotifyConfig.ChannelConfig config, HttpClient http, Clock clock) {
        if (config instanceof WebhookConfig webhook) {
            return new WebhookChannel(webhook, http, WebhookChannel.DEFAULT_TIMEOUT, clock);
        }
        if (config instanceof NtfyConfig ntfy) {
            return new NtfyChannel(ntfy, http, WebhookChannel.DEFAULT_TIMEOUT);
        }
        return new EmailChannel((EmailConfig) config, null, EmailChannel.DEFAULT_TIMEOUT);
    }
}
