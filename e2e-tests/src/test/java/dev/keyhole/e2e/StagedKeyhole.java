package dev.keyhole.e2e;

import dev.keyhole.e2e.fixtures.Guacd;
import dev.keyhole.e2e.fixtures.LockedConsole;
import dev.keyhole.server.KeyholeServer;
import dev.keyhole.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Keyhole server whose target {@value #TARGET} is the class's locked console with two keyboard stages:
 * {@code grub: en-us-qwerty} (in effect at start; the locked console types as US) and
 * {@code initramfs: de-de-qwertz}.
 */
final class StagedKeyhole {

    static final String TARGET = "staged";

    private StagedKeyhole() {
    }

    static KeyholeServer start(Path dir, Guacd guacd, LockedConsole console) {
        Path config = dir.resolve("staged.yaml");
        String yaml = """
                http:
                  port: 0
                guacd:
                  host: %s
                  port: %d
                targets:
                  - name: %s
                    title: Locked VM (two boot stages)
                    protocol: rdp
                    host: 127.0.0.1
                    port: %d
                    ignore-cert: true
                    keyboard:
                      grub: en-us-qwerty
                      initramfs: de-de-qwertz
                """.formatted(guacd.host(), guacd.port(), TARGET, console.rdpPort());
        try {
            Files.createDirectories(dir);
            Files.writeString(config, yaml);
            return KeyholeServer.start(ConfigLoader.load(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Keyhole did not start with " + config, e);
        }
    }
}
