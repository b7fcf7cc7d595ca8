package dev.keyhole.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * {@code ./keyhole bench}: runs every path through every scenario in one run, prints the table and writes the
 * same figures as JSON ({@code OUT/bench.json}).
 *
 * <p>Usage: {@code Benchmark [--smoke] [--no-peers] [--no-browser] [--no-node] [--out DIR] [--repo DIR]
 * [--cache DIR] [--paths NAME,…] [--recordings NAME,…] [--bytes N] [--single] [--rounds N] [--browser-runs N]
 * [--keys N] [--warmup-bytes N] [--warmup-keys N]}: {@code --single} measures one session only (for profiling);
 * {@code --bytes}, {@code --keys} and the warm-up's sizes are the Java client's; {@code --no-node} leaves out the
 * browser-like client.
 */
public final class Benchmark {

    /** The paths in the order of the table. */
    private static final List<String> PATH_ORDER = List.of("direct", "ws-ceiling", "keyhole", "guacamole",
            "guacamole-lite");

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("keyhole.repo", ".")).toAbsolutePath().normalize();
        Path out = null;
        Path cache = Path.of("/var/cache/keyhole/bench");
        boolean smoke = false;
        boolean peers = true;
        boolean browser = true;
        boolean node = true;
        int rounds = -1;
        List<String> only = List.of();
        List<String> recordings = List.of();
        long bytes = 0;
        boolean singleOnly = false;
        boolean watching = false;
        int browserRuns = -1;
        int keys = -1;
        long warmupBytes = -1;
        int warmupKeys = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--no-peers" -> peers = false;
                case "--no-browser" -> browser = false;
                case "--no-node" -> node = false;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--cache" -> cache = Path.of(args[++i]);
                case "--paths" -> only = List.of(args[++i].split(","));
                case "--recordings" -> recordings = List.of(args[++i].split(","));
                case "--bytes" -> bytes = Long.parseLong(args[++i]);
                case "--single" -> singleOnly = true;
                case "--watching" -> watching = true;
                case "--browser-runs" -> browserRuns = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--warmup-bytes" -> warmupBytes = Long.parseLong(args[++i]);
                case "--warmup-keys" -> warmupKeys = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: Benchmark [--smoke] [--no-peers] [--no-browser] [--no-node] [--out DIR] "
                            + "[--repo DIR] [--cache DIR] [--paths direct,ws-ceiling,keyhole,guacamole,guacamole-lite]"
                            + " [--recordings " + String.join(",", Recordings.names()) + "]"
                            + " [--bytes SINGLE_SESSION_BYTES] [--single] [--rounds N] [--browser-runs N] [--keys N]"
                            + " [--warmup-bytes N] [--warmup-keys N] [--watching]");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            out = repo.resolve("target/bench");
        }
        if (watching) {
            WatchingBenchmark.run(repo, out);
            System.exit(0);
        }
        Options options = smoke ? Options.smoke(out, repo, cache) : Options.full(out, repo, cache);
        Options.ClientSizes java = options.java();
        java = new Options.ClientSizes(bytes > 0 ? bytes : java.singleBytes(), keys >= 0 ? keys : java.keys(),
                java.concurrentBytes(), warmupBytes >= 0 ? warmupBytes : java.warmupBytes(),
                warmupKeys >= 0 ? warmupKeys : java.warmupKeys(), java.maxFrames());
        options = new Options(java, node ? options.node() : null, singleOnly ? List.of() : options.concurrency(),
                singleOnly ? 0 : options.idleSessions(), options.peers() && peers,
                !browser ? 0 : browserRuns >= 0 ? browserRuns : options.browserRuns(),
                rounds > 0 ? rounds : options.rounds(), out, options.work(), repo, cache,
                recordings.isEmpty() ? options.recordings() : recordings);
        Results.Report report = run(options, only);
        System.out.print(Table.render(report));
        Log.say("figures written to %s", options.out().resolve("bench.json"));
        System.exit(0);
    }

    /** Runs the benchmark and writes {@code bench.json}; returns the figures. */
    static Results.Report run(Options options) throws Exception {
        return run(options, List.of());
    }

    /** Runs the benchmark on the named paths only (none named: all). */
    static Results.Report run(Options options, List<String> only) throws Exception {
        Files.createDirectories(options.work());
        List<Recording> recordings = Recordings.load(options.recordings(), options.cache(), options.repo(),
                options.work());
        recordings.forEach(recording -> Log.say("recording %s", describe(recording.stats())));
        boolean lite = options.peers() && (only.isEmpty() || only.contains("guacamole-lite"));
        NodePackages node = null;
        String noNode = null;
        if (lite || options.node() != null) {
            try {
                node = NodePackages.install(options.work());
                noNode = node == null ? "npm or node is not installed" : null;
            } catch (IOException e) {
                noNode = e.getMessage();
            }
            if (noNode != null) {
                Log.say("no guacamole-lite and no browser-like client: %s", noNode);
            }
        }
        ExecutorService blocking = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "client-connect");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(10_000);
        QueuedThreadPool threads = new QueuedThreadPool(64);
        threads.setName("client-ws");
        threads.setDaemon(true);
        http.setExecutor(threads);
        WebSocketCoreClient client = new WebSocketCoreClient(http, null);
        List<Results.PathResult> paths = new ArrayList<>();
        Results.FirstFrame firstFrame = null;
        BrowserClient browser = options.node() != null && node != null
                ? BrowserClient.start(node, options.work()) : null;
        try (StandIn standIn = StandIn.start(recordings);
                WebSocketCeiling ceiling = WebSocketCeiling.start(recordings)) {
            client.start();
            Scenarios scenarios = new Scenarios(options, recordings, standIn, browser);
            List<Gateway.Starter> starters = new ArrayList<>(List.of(
                    Gateways.direct(standIn, blocking),
                    Gateways.ceiling(ceiling, client),
                    Gateways.keyhole(standIn, client, options.work())));
            if (options.peers()) {
                starters.add(Gateways.guacamole(standIn, client, options.work()));
                if (lite && node == null) {
                    paths.add(Results.PathResult.skipped("guacamole-lite", noNode));
                } else if (lite) {
                    starters.add(Gateways.guacamoleLite(standIn, client, options.work(), node));
                }
            }
            starters.removeIf(starter -> !only.isEmpty() && !only.contains(starter.name()));
            // One session on each path in turn, a few rounds: the machine's load changes over a run, and the
            // ratios should compare paths under the same conditions.
            Map<String, List<List<Results.SingleRound>>> rounds = new LinkedHashMap<>();
            Map<String, List<Double>> starts = new LinkedHashMap<>();
            for (int round = 1; round <= options.rounds(); round++) {
                for (Gateway.Starter starter : starters) {
                    List<Double> pathStarts = starts.computeIfAbsent(starter.name(), name -> new ArrayList<>());
                    rounds.computeIfAbsent(starter.name(), name -> new ArrayList<>())
                            .add(scenarios.single(starter, pathStarts));
                }
            }
            for (Gateway.Starter starter : starters) {
                paths.add(scenarios.rest(starter, rounds.get(starter.name()), starts.get(starter.name())));
            }
            paths.sort(java.util.Comparator.comparingInt(path -> PATH_ORDER.indexOf(path.path())));
            if (options.browserRuns() > 0) {
                firstFrame = FirstFrameBenchmark.run(options);
            }
        } finally {
            client.stop();
            blocking.shutdownNow();
            if (browser != null) {
                browser.close();
            }
        }
        Results.Report report = new Results.Report(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                machine(), settings(options, recordings), paths, Table.ratios(paths), firstFrame,
                Table.targets(paths, firstFrame));
        Files.createDirectories(options.out());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(options.out().resolve("bench.json").toFile(), report);
        return report;
    }

    /** @return a recording's size and make-up in a line of the log */
    static String describe(Recording.Stats stats) {
        StringBuilder opcodes = new StringBuilder();
        stats.opcodeShares().entrySet().stream().limit(3).forEach(entry -> opcodes.append(String.format(
                java.util.Locale.ROOT, ", %s %.1f%%", entry.getKey(), entry.getValue() * 100)));
        return String.format(java.util.Locale.ROOT, "%s: %,d bytes, %,d instructions (%,d syncs); instruction bytes: "
                + "median %,d, max %,d, %.0f%% of the bytes in instructions of %,d bytes or more; bytes by opcode%s",
                stats.name(), stats.bytes(), stats.instructions(), stats.syncs(), stats.medianInstructionBytes(),
                stats.maxInstructionBytes(), stats.largeInstructionShare() * 100, Recording.LARGE_INSTRUCTION_BYTES,
                opcodes.toString().replaceFirst("^, ", ": "));
    }

    private static Map<String, Object> settings(Options options, List<Recording> recordings) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("javaClient", options.java());
        settings.put("nodeClient", options.node());
        settings.put("concurrency", options.concurrency());
        settings.put("idleSessions", options.idleSessions());
        settings.put("recordings", recordings.stream().map(Recording::stats).toList());
        settings.put("browserRuns", options.browserRuns());
        settings.put("singleSessionRounds", options.rounds());
        return settings;
    }

    /** What the machine is: CPU, cores, memory, system, Java, Node. */
    static Map<String, String> machine() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        machine.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("os", read(Path.of("/etc/debian_version")).isEmpty() ? System.getProperty("os.name")
                : "Debian " + read(Path.of("/etc/debian_version")));
        machine.put("kernel", System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("node", command("node", "--version"));
        return machine;
    }

    private static String firstValue(Path file, String key) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "?";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? output : "?";
        } catch (IOException e) {
            return "absent";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
