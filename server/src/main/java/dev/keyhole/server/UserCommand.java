package dev.keyhole.server;

import dev.keyhole.server.accounts.Accounts;
import dev.keyhole.server.accounts.Role;
import dev.keyhole.server.accounts.User;
import dev.keyhole.server.accounts.UserExistsException;
import dev.keyhole.server.auth.Token;
import dev.keyhole.server.audit.Actor;
import dev.keyhole.server.audit.AuditLog;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.config.ConfigLoader;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.storage.DataDirectory;
import dev.keyhole.server.storage.Database;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code keyhole-server user COMMAND … --config FILE}: manages the users in the configured database, beside a
 * running server or without one (both see the same rows). A password is never an argument: it is asked on the
 * terminal twice, or read as the first line of standard input with {@code --password-stdin}.
 *
 * <pre>
 * user add NAME --role admin|operator|viewer [--targets 'web-*,db-1'] [--password-stdin]
 * user list
 * user change NAME [--role admin|operator|viewer] [--targets 'web-*']   (less: signs them out everywhere)
 * user disable NAME          (signs them out everywhere)
 * user enable NAME
 * user reset-second-factor NAME   (their authenticator app, recovery codes and passkeys)
 * user remove NAME           (with their sessions, second factors and links)
 * user link NAME [--minutes N]   a one-time sign-in link (default 60 minutes)
 * </pre>
 *
 * Exit status: 0 done, 1 it could not be done (no such user, a taken name, a database that cannot be used), 2 a
 * wrong command line or configuration.
 */
final class UserCommand {

    static final String USAGE = """
            usage: keyhole-server user add NAME --role admin|operator|viewer [--targets 'web-*,db-1'] [--password-stdin] --config FILE
                   keyhole-server user list --config FILE
                   keyhole-server user change NAME [--role admin|operator|viewer] [--targets 'web-*,db-1'|'*'] --config FILE
                   keyhole-server user disable|enable|reset-second-factor|remove NAME --config FILE
                   keyhole-server user link NAME [--minutes N] --config FILE""";

    /** A wrong command line: status 2, with the usage. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Something that could not be done: status 1. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final InputStream in;
    private final Console console;

    UserCommand(PrintStream out, InputStream in, Console console) {
        this.out = out;
        this.in = in;
        this.console = console;
    }

    /**
     * Runs {@code user …}.
     *
     * @param args what follows {@code user}
     * @return the exit status
     */
    static int main(List<String> args) {
        return Commands.run("user", USAGE, () -> {
            new UserCommand(System.out, System.in, System.console()).run(args);
            return 0;
        });
    }

    void run(List<String> args) throws UsageException, Failure {
        Arguments a = Arguments.parse(args);
        if (a.config == null) {
            throw new UsageException("--config FILE is required");
        }
        KeyholeConfig config = ConfigLoader.load(a.config);
        Path dataDir = DataDirectory.prepare(config.dataDir());
        try (Database database = Database.open(config.database(), dataDir);
                AuditLog audit = new AuditLog(new JdbcAuditStore(database, Clock.systemUTC(), new SecureRandom()),
                        Clock.systemUTC())) {
            Accounts accounts = Accounts.on(database, dataDir, config.auth(), Clock.systemUTC(), new SecureRandom(),
                    audit);
            switch (a.command) {
                case "add" -> add(accounts, a);
                case "list" -> list(accounts, a);
                case "change" -> change(accounts, a);
                case "disable" -> {
                    User user = user(accounts, a);
                    int ended = accounts.disable(user, Actor.COMMAND_LINE);
                    out.println("Disabled " + user.name() + " (" + ended + " session(s) ended)");
                }
                case "enable" -> {
                    User user = user(accounts, a);
                    accounts.enable(user, Actor.COMMAND_LINE);
                    out.println("Enabled " + user.name());
                }
                case "reset-second-factor" -> {
                    User user = user(accounts, a);
                    boolean had = accounts.resetSecondFactor(user.id(), Actor.COMMAND_LINE);
                    out.println(had ? "Reset " + user.name() + "'s second factor (authenticator app, recovery codes "
                            + "and passkeys): they enrol a new one at their next sign-in"
                            : user.name() + " had no second factor to reset");
                }
                case "remove" -> {
                    User user = user(accounts, a);
                    accounts.remove(user, Actor.COMMAND_LINE);
                    out.println("Removed " + user.name() + " with their sessions, second factors and links");
                }
                case "link" -> {
                    User user = user(accounts, a);
                    Token token = accounts.issueSignInLink(user, Duration.ofMinutes(a.minutes));
                    out.println(publicUri(config).resolve("sign-in.html#link=" + token.value()));
                }
                default -> throw new UsageException("unknown command " + a.command);
            }
        }
    }

    private void add(Accounts accounts, Arguments a) throws UsageException, Failure {
        String name = a.name();
        if (a.role == null) {
            throw new UsageException("user add needs --role admin, operator or viewer");
        }
        Role role;
        List<String> patterns;
        try {
            User.checkName(name);
            role = Role.of(a.role);
            patterns = a.targets == null ? List.of() : patterns(a.targets);
            User.checkPatterns(patterns);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        char[] password = a.passwordStdin ? passwordFromStdin() : passwordTwice();
        try {
            User user = accounts.addUser(name, role, patterns, new String(password), Actor.COMMAND_LINE);
            out.println("Added " + user.name() + " (" + user.role().id() + (patterns.isEmpty() ? ", every console"
                    : ", consoles " + String.join(",", patterns)) + ")"
                    + (accounts.config().requireSecondFactor() && role != Role.VIEWER
                            ? "; they enrol a second factor at their first sign-in" : ""));
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        } catch (UserExistsException e) {
            throw new Failure("there is a user called " + name + " already");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private void change(Accounts accounts, Arguments a) throws UsageException, Failure {
        User user = user(accounts, a);
        if (a.role == null && a.targets == null) {
            throw new UsageException("user change needs --role, --targets or both");
        }
        Role role;
        List<String> patterns;
        try {
            role = a.role == null ? user.role() : Role.of(a.role);
            patterns = a.targets == null ? user.targetPatterns() : patterns(a.targets);
            User.checkPatterns(patterns);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int ended = accounts.change(user, role, patterns, Actor.COMMAND_LINE);
        out.println("Changed " + user.name() + " to " + role.id() + ", " + (patterns.isEmpty() ? "every console"
                : "consoles " + String.join(",", patterns)) + (ended > 0 ? " (" + ended + " session(s) ended)" : ""));
    }

    /** {@code --targets}: comma-separated patterns; {@code *} alone: every console. */
    private static List<String> patterns(String targets) {
        List<String> patterns = Arrays.stream(targets.split(",")).map(String::strip).filter(p -> !p.isEmpty())
                .toList();
        return patterns.equals(List.of("*")) ? List.of() : patterns;
    }

    private void list(Accounts accounts, Arguments a) throws UsageException {
        if (a.name != null) {
            throw new UsageException("user list takes no name");
        }
        out.printf("%-24s %-9s %-9s %s%n", "NAME", "ROLE", "STATE", "CONSOLES");
        for (User user : accounts.users().list()) {
            out.printf("%-24s %-9s %-9s %s%n", user.name(), user.role().id(), user.disabled() ? "disabled" : "enabled",
                    user.targetPatterns().isEmpty() ? "*" : String.join(",", user.targetPatterns()));
        }
    }

    private static User user(Accounts accounts, Arguments a) throws UsageException, Failure {
        String name = a.name();
        Optional<User> user = accounts.users().byName(name);
        return user.orElseThrow(() -> new Failure("there is no user called " + name));
    }

    private char[] passwordTwice() throws Failure {
        if (console == null) {
            throw new Failure("no terminal to ask the password on: pipe it in with --password-stdin");
        }
        char[] first = console.readPassword("Password for the new user (at least %d characters): ",
                Accounts.MIN_PASSWORD_LENGTH);
        char[] second = console.readPassword("The same password again: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new Failure("the two passwords differ; nothing was changed");
        }
        Arrays.fill(second, '\0');
        return first;
    }

    private char[] passwordFromStdin() throws Failure {
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new Failure("--password-stdin: standard input was empty");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new Failure("--password-stdin: " + e.getMessage());
        }
    }

    /** The URL people open Keyhole at, as the configuration says: its first allowed origin, else where it listens. */
    static URI publicUri(KeyholeConfig config) {
        if (!config.http().allowedOrigins().isEmpty()) {
            return config.http().allowedOrigins().get(0).resolve("/");
        }
        String host = config.http().bind().contains(":") ? "[" + config.http().bind() + "]" : config.http().bind();
        return URI.create((config.tls().encrypts() ? "https" : "http") + "://" + host + ":" + config.http().port()
                + "/");
    }

    /** The command line after {@code user}. */
    private static final class Arguments {
        String command;
        String name;
        String role;
        String targets;
        boolean passwordStdin;
        long minutes = 60;
        Path config;

        String name() throws UsageException {
            if (name == null) {
                throw new UsageException("user " + command + " needs a NAME");
            }
            return name;
        }

        static Arguments parse(List<String> args) throws UsageException {
            Arguments a = new Arguments();
            List<String> rest = new ArrayList<>(args);
            if (rest.isEmpty()) {
                throw new UsageException("a command is required");
            }
            a.command = rest.remove(0);
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--config" -> a.config = Path.of(value(rest, arg));
                    case "--role" -> a.role = value(rest, arg);
                    case "--targets" -> a.targets = value(rest, arg);
                    case "--password-stdin" -> a.passwordStdin = true;
                    case "--minutes" -> {
                        try {
                            a.minutes = Long.parseLong(value(rest, arg));
                        } catch (NumberFormatException e) {
                            a.minutes = 0;
                        }
                        if (a.minutes < 1 || a.minutes > 7 * 24 * 60) {
                            throw new UsageException("--minutes takes a whole number from 1 to 10080");
                        }
                    }
                    case "--password" -> throw new UsageException("a password is never an argument (others can "
                            + "read a command line): it is asked on the terminal, or given with --password-stdin");
                    default -> {
                        if (arg.startsWith("-") || a.name != null) {
                            throw new UsageException("unknown argument " + arg);
                        }
                        a.name = arg;
                    }
                }
            }
            return a;
        }

        private static String value(List<String> rest, String option) throws UsageException {
            if (rest.isEmpty()) {
                throw new UsageException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
