package dev.keyhole.server;

import dev.keyhole.server.config.ConfigException;
import dev.keyhole.server.config.ConfigLoader;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.storage.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code keyhole-server --config FILE}: reads the configuration, starts Keyhole and runs until stopped
 * (Ctrl-C or SIGTERM). An invalid configuration, or one Keyhole cannot serve (plain HTTP beyond loopback, a
 * certificate it cannot read or keep), prints its problems and exits with status 2; a data directory or database
 * that cannot be used, or a port that is taken, prints why in one line and exits with status 1.
 *
 * <p>{@code keyhole-server user …} manages the users instead ({@link UserCommand}), {@code keyhole-server audit …}
 * checks and exports the audit trail ({@link AuditCommand}).
 */
public final class Main {

    private Main() {
    }

    /** @param args {@code --config FILE}, {@code user …} ({@link UserCommand}) or {@code audit …} */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("user")) {
            // What a user command prints is its answer (a link, a list): the log speaks up only for trouble, on
            // standard error.
            System.setProperty("logback.configurationFile", "logback-command.xml");
            System.exit(UserCommand.main(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("audit")) {
            System.setProperty("logback.configurationFile", "logback-command.xml");
            System.exit(AuditCommand.main(List.of(args).subList(1, args.length)));
        }
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].equals("--help")) {
                System.out.println("usage: keyhole-server --config FILE\n" + UserCommand.USAGE + "\n"
                        + AuditCommand.USAGE);
                return;
            } else {
                System.err.println("keyhole-server: unknown argument " + args[i] + "; usage: keyhole-server --config FILE");
                System.exit(2);
            }
        }
        if (config == null) {
            System.err.println("keyhole-server: --config FILE is required");
            System.exit(2);
        }
        KeyholeConfig keyhole;
        try {
            keyhole = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        KeyholeServer server;
        try {
            server = KeyholeServer.start(keyhole);
        } catch (ConfigException e) {
            System.err.println(config + ": " + e.getMessage().replace("\n", "\n" + config + ": "));
            System.exit(2);
            return;
        } catch (StorageException e) {
            System.err.println("keyhole-server: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IOException e) {
            // Typically the port is taken: say so in one line, not with a stack trace.
            System.err.println("keyhole-server: cannot listen on " + keyhole.http().bind() + ":"
                    + keyhole.http().port() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            System.exit(1);
            return;
        }
        server.closeAtShutdown();
        server.join();
    }
}
