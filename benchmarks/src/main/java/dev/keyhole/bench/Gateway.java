package dev.keyhole.bench;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * One of the paths under test, started for one scenario: it knows how to open the benchmark client's session
 * number {@code i} (each session to its own target where the gateway has targets), and, for a WebSocket path,
 * the URL and cookie another client (the browser-like one) opens it with.
 */
interface Gateway extends AutoCloseable {

    /** Starts a path for a scenario whose sessions stream the given numbers of bytes. */
    interface Starter {

        /** @return the path's name in the table */
        String name();

        /**
         * Starts the path.
         *
         * @param streams what session {@code i} streams; the list's size is the number of sessions
         */
        Gateway start(List<StandIn.Stream> streams) throws Exception;

        /** A path named {@code name} that {@code start} starts. */
        static Starter of(String name, Start start) {
            return new Starter() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Gateway start(List<StandIn.Stream> streams) throws Exception {
                    return start.start(streams);
                }
            };
        }
    }

    /** What starts a path (see {@link Starter#start}). */
    @FunctionalInterface
    interface Start {
        Gateway start(List<StandIn.Stream> streams) throws Exception;
    }

    /** A path with nothing of its own to stop, whose sessions {@code open} opens. */
    static Gateway opening(IntFunction<CompletableFuture<? extends Session>> open) {
        return new Gateway() {
            @Override
            public CompletableFuture<? extends Session> open(int i) {
                return open.apply(i);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Opens session {@code i} (its stream was given at start). */
    CompletableFuture<? extends Session> open(int i);

    /** @return the WebSocket URL of session {@code i}, or empty if the path is no WebSocket */
    default Optional<URI> webSocket(int i) {
        return Optional.empty();
    }

    /** @return the {@code Cookie} header a WebSocket's handshake carries (null: none) */
    default String cookie() {
        return null;
    }

    /** @return the process id of the gateway's JVM, if it runs in one of its own */
    default OptionalLong jvmPid() {
        return OptionalLong.empty();
    }

    /** @return nanoseconds from starting the gateway's process to its saying it is ready, or -1 */
    default long startToReadyNanos() {
        return -1;
    }

    @Override
    void close() throws Exception;
}
