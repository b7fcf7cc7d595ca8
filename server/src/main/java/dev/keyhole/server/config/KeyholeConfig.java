package dev.keyhole.server.config;

import dev.keyhole.server.targets.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything Keyhole is configured with, read once at start-up by {@link ConfigLoader} (or built in code with
 * {@link #builder()}).
 *
 * @param http            where the web server listens
 * @param guacd           where guacd listens
 * @param targets         the consoles Keyhole offers, in the order of the file; may be empty
 * @param virtualboxHosts the VirtualBox hosts whose VMs Keyhole offers as targets too; may be empty
 * @param limits          how much clients may hold
 */
public record KeyholeConfig(HttpConfig http, GuacdConfig guacd, List<Target> targets,
        List<VirtualBoxHostConfig> virtualboxHosts, LimitsConfig limits) {

    /** Checks that nothing is missing and copies the lists, so the record stays immutable. */
    public KeyholeConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(guacd, "guacd");
        Objects.requireNonNull(limits, "limits");
        targets = List.copyOf(targets);
        virtualboxHosts = List.copyOf(virtualboxHosts);
    }

    /** @return a builder starting from the defaults: no targets, no hosts */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        return new Builder().http(http).guacd(guacd).targets(targets).virtualBoxHosts(virtualboxHosts).limits(limits);
    }

    /** Builds a {@link KeyholeConfig}; every part starts at its default. */
    public static final class Builder {
        private HttpConfig http = HttpConfig.DEFAULT;
        private GuacdConfig guacd = GuacdConfig.DEFAULT;
        private final List<Target> targets = new ArrayList<>();
        private final List<VirtualBoxHostConfig> virtualboxHosts = new ArrayList<>();
        private LimitsConfig limits = LimitsConfig.DEFAULT;

        private Builder() {
        }

        /** @param value where the web server listens */
        public Builder http(HttpConfig value) {
            this.http = value;
            return this;
        }

        /** @param value where guacd listens */
        public Builder guacd(GuacdConfig value) {
            this.guacd = value;
            return this;
        }

        /** @param value the consoles, replacing those given so far */
        public Builder targets(List<Target> value) {
            targets.clear();
            targets.addAll(value);
            return this;
        }

        /** @param value one more console */
        public Builder target(Target value) {
            targets.add(value);
            return this;
        }

        /** @param value the VirtualBox hosts, replacing those given so far */
        public Builder virtualBoxHosts(List<VirtualBoxHostConfig> value) {
            virtualboxHosts.clear();
            virtualboxHosts.addAll(value);
            return this;
        }

        /** @param value one more VirtualBox host */
        public Builder virtualBoxHost(VirtualBoxHostConfig value) {
            virtualboxHosts.add(value);
            return this;
        }

        /** @param value how much clients may hold */
        public Builder limits(LimitsConfig value) {
            this.limits = value;
            return this;
        }

        /** @return the configuration */
        public KeyholeConfig build() {
            return new KeyholeConfig(http, guacd, targets, virtualboxHosts, limits);
        }
    }
}
