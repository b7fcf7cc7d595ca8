package dev.keyhole.server.watch;

import java.util.Optional;
import java.util.function.Consumer;

/** What Keyhole reads on its consoles' screens, as the pages see it. */
public interface ConsoleReadings {

    /** No console is watched. */
    ConsoleReadings NONE = new ConsoleReadings() {
        @Override
        public Optional<ConsoleReading> reading(String target) {
            return Optional.empty();
        }

        @Override
        public Runnable subscribe(Consumer<ConsoleReading> listener) {
            return () -> { };
        }
    };

    /** @return what Keyhole last read on the console; empty when it has not watched it since it started */
    Optional<ConsoleReading> reading(String target);

    /**
     * @param listener told of every new reading (on whatever thread; must not block)
     * @return cancels it
     */
    Runnable subscribe(Consumer<ConsoleReading> listener);
}
