package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyhole.server.config.NotifyConfig.EmailConfig;
import dev.keyhole.server.config.NotifyConfig.NtfyConfig;
import dev.keyhole.server.config.NotifyConfig.StartTls;
import dev.keyhole.server.config.NotifyConfig.WebhookConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code notify:} section: its timing, channels of three types, and the mistakes it refuses with their line. */
class NotifyConfigTest {

    private static final Map<String, String> ENV = Map.of("HOOK_SECRET", "hook-s3cret", "SMTP_PASSWORD", "smtp-s3cret");

    @TempDir
    Path dir;

    private static KeyholeConfig parse(String yaml) {
        return ConfigLoader.parse("k.yaml", yaml, ENV);
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void noSectionMeansTheDefaultsAndNoChannels() {
        NotifyConfig notify = parse("http:\n  port: 0\n").notifications();
        assertEquals(NotifyConfig.DEFAULT, notify);
        assertEquals(Duration.ofMinutes(10), notify.remindAfter());
        assertEquals(Duration.ofHours(1), notify.retryFor());
        assertEquals(List.of(), notify.channels());
    }

    @Test
    void aChannelOfEachTypeWithItsSecrets() throws IOException {
        Path token = Files.writeString(dir.resolve("ntfy.token"), "tk_from_file\n");
        NotifyConfig notify = parse("""
                notify:
                  remind-after: 15
                  retry-for: 120
                  channels:
                    - name: hook
                      type: webhook
                      url: https://hooks.example.org/keyhole
                      secret-env: HOOK_SECRET
                    - name: phones
                      type: ntfy
                      description: Push to your phone
                      url: https://ntfy.example.org/keyhole-oncall
                      token-file: %s
                    - name: mail
                      type: email
                      host: smtp.example.org
                      username: keyhole
                      password-env: SMTP_PASSWORD
                      from: keyhole@example.org
                      to: [oncall@example.org, ops@example.org]
                """.formatted(token)).notifications();
        assertEquals(Duration.ofMinutes(15), notify.remindAfter());
        assertEquals(Duration.ofMinutes(120), notify.retryFor());
        assertEquals(List.of(
                new WebhookConfig("hook", "", URI.create("https://hooks.example.org/keyhole"), "hook-s3cret"),
                new NtfyConfig("phones", "Push to your phone", URI.create("https://ntfy.example.org/keyhole-oncall"),
                        "tk_from_file", 4),
                new EmailConfig("mail", "", "smtp.example.org", 587, StartTls.REQUIRED, "keyhole", "smtp-s3cret",
                        "keyhole@example.org", List.of("oncall@example.org", "ops@example.org"))),
                notify.channels());
        String shown = notify.channels().toString();
        assertFalse(shown.contains("hook-s3cret") || shown.contains("tk_from_file") || shown.contains("smtp-s3cret"),
                "toString never shows a secret: " + shown);
    }

    @Test
    void aBadTypeIsNamedWithItsLineAndNothingElseIsSaidOfThatChannel() {
        assertEquals(List.of("k.yaml:5: notify.channels[0].type = sms: must be one of email, ntfy, webhook"),
                problems("""
                        notify:
                          channels:
                            - name: texts
                              url: https://sms.example.org/
                              type: sms
                        """));
    }

    @Test
    void aKeyOfAnotherTypeIsRefusedWithTheReason() {
        assertEquals(List.of(
                "k.yaml:6: notify.channels[0].host = smtp.example.org: applies to notify.channels[0].type email only "
                        + "(notify.channels[0].type is ntfy)",
                "k.yaml:7: notify.channels[0].secret-env = HOOK_SECRET: applies to notify.channels[0].type webhook "
                        + "only (notify.channels[0].type is ntfy)"),
                problems("""
                        notify:
                          channels:
                            - name: phones
                              type: ntfy
                              url: https://ntfy.example.org/ops
                              host: smtp.example.org
                              secret-env: HOOK_SECRET
                        """));
    }

    @Test
    void aMissingUrlNamesTheFileTheLineAndTheKey() {
        assertEquals(List.of("k.yaml:4: notify.channels[0].url = (missing): is required with notify.channels[0].type "
                + "webhook"), problems("""
                notify:
                  channels:
                    - name: hook
                      type: webhook
                      secret-env: HOOK_SECRET
                """));
        assertEquals(List.of("k.yaml:4: notify.channels[0].host = (missing): is required with notify.channels[0].type "
                        + "email",
                "k.yaml:4: notify.channels[0].from = (missing): is required with notify.channels[0].type email"),
                problems("""
                        notify:
                          channels:
                            - name: mail
                              type: email
                        """));
    }

    @Test
    void aMissingTypeIsRequiredAndNothingMore() {
        assertEquals(List.of("k.yaml:3: notify.channels[0].type = (missing): is required"), problems("""
                notify:
                  channels:
                    - name: hook
                      url: https://hooks.example.org/keyhole
                """));
    }

    @Test
    void aWebhookWithoutASecretIsRefused() {
        assertEquals(List.of("k.yaml:4: notify.channels[0].type = webhook: a webhook signs what it sends: give "
                + "secret-env or secret-file, the key its receiver checks the signature with"), problems("""
                notify:
                  channels:
                    - name: hook
                      type: webhook
                      url: https://hooks.example.org/keyhole
                """));
    }

    @Test
    void secretsNeverShowInAMessage() {
        List<String> problems = problems("""
                notify:
                  channels:
                    - name: hook
                      type: webhook
                      url: https://keyhole:pa55word@hooks.example.org/keyhole
                      secret: plain-s3cret
                      secret-env: HOOK_SECRET
                """);
        assertEquals(List.of("k.yaml:5: notify.channels[0].url = (hidden): must not hold credentials: give a "
                        + "webhook's key with secret-env or secret-file, an ntfy token with token-env or token-file",
                "k.yaml:6: notify.channels[0].secret = (hidden): unknown key; known keys here: description, from, "
                        + "host, name, password-env, password-file, port, priority, secret-env, secret-file, starttls, "
                        + "to, token-env, token-file, type, url, username"), problems);
    }

    @Test
    void channelNamesAreUnique() {
        assertEquals(List.of("k.yaml:6: notify.channels[1].name = hook: another channel already has this name"),
                problems("""
                        notify:
                          channels:
                            - name: hook
                              type: ntfy
                              url: https://ntfy.example.org/a
                            - name: hook
                              type: ntfy
                              url: https://ntfy.example.org/b
                        """));
    }

    @Test
    void anEmailLoginNeedsItsPasswordAndTls() {
        assertEquals(List.of(
                "k.yaml:7: notify.channels[0].username = keyhole: needs password-env or password-file too (leave "
                        + "username out for a server that takes mail without a login)",
                "k.yaml:14: notify.channels[1].starttls = off: would send the password unencrypted: use required (or "
                        + "no login, for a relay on this machine)"),
                problems("""
                        notify:
                          channels:
                            - name: a
                              type: email
                              host: smtp.example.org
                              from: keyhole@example.org
                              username: keyhole
                            - name: b
                              type: email
                              host: smtp.example.org
                              from: keyhole@example.org
                              username: keyhole
                              password-env: SMTP_PASSWORD
                              starttls: off
                        """));
    }

    @Test
    void anEmailAddressIsOnePlainAddress() {
        assertEquals(List.of("k.yaml:8: notify.channels[0].to[0] = Ops <ops@example.org>: must be one email address, "
                + "like oncall@example.org (no name, no angle brackets)",
                "k.yaml:9: notify.channels[0].to[1] = a@b.org, c@d.org: must be one email address, like "
                        + "oncall@example.org (no name, no angle brackets)"),
                problems("""
                        notify:
                          channels:
                            - name: c
                              type: email
                              host: 127.0.0.1
                              from: keyhole@localhost
                              to:
                                - Ops <ops@example.org>
                                - a@b.org, c@d.org
                        """));
    }

    @Test
    void timesAndPrioritiesHaveTheirRanges() {
        assertEquals(List.of(
                "k.yaml:2: notify.remind-after = 0: must be a whole number from 1 to 1440",
                "k.yaml:3: notify.retry-for = forever: must be a whole number from 1 to 10080",
                "k.yaml:9: notify.channels[0].priority = 6: must be a whole number from 1 to 5"),
                problems("""
                        notify:
                          remind-after: 0
                          retry-for: forever
                          channels:
                            - name: phones
                              type: ntfy
                              url: https://ntfy.example.org/ops
                              description: Pushes
                              priority: 6
                        """));
    }
}
