package dev.keyhole.server;

import dev.keyhole.server.UserCommand.Failure;
import dev.keyhole.server.UserCommand.UsageException;
import dev.keyhole.server.config.ConfigException;
import dev.keyhole.server.storage.StorageException;

/** How {@code keyhole-server user …} and {@code audit …} end: what they print on standard error, their status. */
final class Commands {

    /** A command's work, answering its exit status. */
    @FunctionalInterface
    interface Work {
        int run() throws UsageException, Failure;
    }

    private Commands() {
    }

    /**
     * Runs a command: a wrong command line prints why and the usage (status 2), a wrong configuration its problems
     * (2), something that could not be done why (1).
     *
     * @param name  e.g. {@code user}
     * @param usage the command's usage text
     * @return the exit status
     */
    static int run(String name, String usage, Work work) {
        try {
            return work.run();
        } catch (UsageException e) {
            System.err.println("keyhole-server " + name + ": " + e.getMessage());
            System.err.println(usage);
            return 2;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (Failure | StorageException e) {
            System.err.println("keyhole-server " + name + ": " + e.getMessage());
            return 1;
        }
    }
}
