package dev.keyhole.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.server.UserCommand.Failure;
import dev.keyhole.server.UserCommand.UsageException;
import dev.keyhole.server.audit.AuditChain;
import dev.keyhole.server.audit.AuditRecord;
import dev.keyhole.server.audit.JdbcAuditStore;
import dev.keyhole.server.config.ConfigLoader;
import dev.keyhole.server.config.KeyholeConfig;
import dev.keyhole.server.storage.DataDirectory;
import dev.keyhole.server.storage.Database;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code keyhole-server audit verify|export … --config FILE}: checks and exports the audit trail of the configured
 * database, beside a running server or without one.
 *
 * <pre>
 * audit verify                  checks the hash chain: names the first event edited, deleted or cut off
 * audit export [--since TIME]   every event (from TIME: 2026-12-01T03:00:00Z, 2026-12-01, or 24h / 7d ago) as
 *                               one JSON object per line, oldest first, with stable field names
 * </pre>
 *
 * Exit status: 0 done (verify: the chain is whole), 1 broken or could not be done, 2 a wrong command line or
 * configuration.
 */
final class AuditCommand {

    static final String USAGE = """
            usage: keyhole-server audit verify --config FILE
                   keyhole-server audit export [--since 2026-12-01T03:00:00Z|2026-12-01|24h|7d] --config FILE""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;

    AuditCommand(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /**
     * Runs {@code audit …}.
     *
     * @param args what follows {@code audit}
     * @return the exit status
     */
    static int main(List<String> args) {
        return Commands.run("audit", USAGE, () -> new AuditCommand(System.out, Clock.systemUTC()).run(args));
    }

    int run(List<String> args) throws UsageException, Failure {
        List<String> rest = new ArrayList<>(args);
        if (rest.isEmpty()) {
            throw new UsageException("a command is required: verify or export");
        }
        String command = rest.remove(0);
        Path config = null;
        Instant since = null;
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            if (arg.equals("--config") && !rest.isEmpty()) {
                config = Path.of(rest.remove(0));
            } else if (arg.equals("--since") && !rest.isEmpty() && command.equals("export")) {
                since = since(rest.remove(0), clock.instant());
            } else {
                throw new UsageException("unknown argument " + arg);
            }
        }
        if (config == null) {
            throw new UsageException("--config FILE is required");
        }
        KeyholeConfig keyhole = ConfigLoader.load(config);
        Path dataDir = DataDirectory.prepare(keyhole.dataDir());
        try (Database database = Database.open(keyhole.database(), dataDir)) {
            JdbcAuditStore store = new JdbcAuditStore(database, clock, new SecureRandom());
            return switch (command) {
                case "verify" -> verify(store);
                case "export" -> export(store, since);
                default -> throw new UsageException("unknown command " + command + ": verify or export");
            };
        }
    }

    private int verify(JdbcAuditStore store) {
        AuditChain.Verifier verifier = new AuditChain.Verifier(store.retentions());
        long[] range = {0, 0};
        store.forEach(null, event -> {
            range[0] = range[0] == 0 ? event.seq() : range[0];
            range[1] = event.seq();
            verifier.accept(event);
        });
        JdbcAuditStore.Head head = store.head();
        Optional<AuditChain.Break> broken = verifier.finish(head.seq(), head.hash());
        if (broken.isPresent()) {
            out.println("The audit trail is broken at " + broken.get());
            return 1;
        }
        out.println(verifier.events() == 0 ? "The audit trail is empty"
                : "The audit trail is whole: " + verifier.events() + " event(s), #" + range[0] + " to #" + range[1]);
        return 0;
    }

    private int export(JdbcAuditStore store, Instant since) {
        store.forEach(since, event -> out.println(line(event)));
        return 0;
    }

    /** @return an event as one line of JSON, its field names stable from one release to the next */
    static String line(AuditRecord event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("seq", event.seq());
        line.put("id", event.id());
        line.put("occurredAt", event.occurredAt().toString());
        line.put("kind", event.kind());
        line.put("actor", event.actor());
        line.put("address", event.address());
        line.put("target", event.target());
        line.put("result", event.result());
        try {
            line.set("detail", event.detail().isEmpty() ? JSON.createObjectNode() : JSON.readTree(event.detail()));
            line.put("prevHash", event.prevHash());
            line.put("hash", event.hash());
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            line.put("detail", event.detail()); // what is there, as text: verify says whether it was changed
            return line.toString();
        }
    }

    /** @return the time {@code --since} names: an instant, a day (UTC), or a duration before {@code now} */
    static Instant since(String text, Instant now) throws UsageException {
        try {
            if (text.matches("\\d+[hd]")) {
                long n = Long.parseLong(text.substring(0, text.length() - 1));
                return now.minus(text.endsWith("h") ? Duration.ofHours(n) : Duration.ofDays(n));
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new UsageException("--since takes a time (2026-12-01T03:00:00Z), a day (2026-12-01) or how long "
                    + "ago (24h, 7d), not " + text);
        }
    }
}
