package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keyhole.server.targets.WatchPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code watch:} section and the targets' and hosts' {@code watch} keys. */
class WatchConfigTest {

    private static final String FILE = "keyhole.yaml";

    private static KeyholeConfig parse(String yaml) {
        return ConfigLoader.parse(FILE, yaml, Map.of());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void configuredTargetsAreWatchedAlwaysAndVirtualBoxVmsWhileTheyBootByDefault() {
        KeyholeConfig config = parse("""
                targets:
                  - name: vm
                    protocol: rdp
                    host: h
                    port: 3389
                virtualbox:
                  hosts:
                    - name: lab
                      url: http://vbox.example.org/
                """);
        assertEquals(WatchPolicy.ALWAYS, config.targets().get(0).console().watch());
        assertEquals(WatchPolicy.WHILE_BOOTING, config.virtualboxHosts().get(0).watch());
        assertEquals(WatchConfig.DEFAULT, config.watch());
    }

    @Test
    void theSectionAddsPatternsAndSetsTheBootWindow() {
        WatchConfig watch = parse("""
                watch:
                  while-booting-for: 30
                  tesseract: /opt/tesseract/bin/tesseract
                  waiting-patterns:
                    - '^Unlock passphrase for .*:'
                  wrong-patterns:
                    - 'Bad passphrase'
                """).watch();
        assertEquals(new WatchConfig(Duration.ofMinutes(30), "/opt/tesseract/bin/tesseract",
                List.of("^Unlock passphrase for .*:"), List.of("Bad passphrase"), List.of()), watch);
    }

    @Test
    void mistakesNameTheirLine() {
        assertEquals(List.of(
                FILE + ":4: watch.waiting-patterns[0] = Enter (passphrase: is not a regular expression: Unclosed "
                        + "group near index 17",
                FILE + ":11: targets[0].watch = while-booting: must be always or never: while-booting is for a "
                        + "VirtualBox host's VMs, whose starts Keyhole sees",
                FILE + ":16: virtualbox.hosts[0].watch = sometimes: must be always, while-booting or never"),
                problems("""
                        watch:
                          while-booting-for: 15
                          waiting-patterns:
                            - 'Enter (passphrase'
                        targets:
                          - name: vm
                            protocol: rdp
                            host: h
                            port: 3389
                            title: VM
                            watch: while-booting
                        virtualbox:
                          hosts:
                            - name: lab
                              url: http://vbox.example.org/
                              watch: sometimes
                        """));
    }
}
