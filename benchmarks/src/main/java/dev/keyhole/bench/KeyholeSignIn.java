package dev.keyhole.bench;

import dev.keyhole.testsupport.UserCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs the benchmark in to the Keyhole it measures, as an operator would set a colleague up: {@code
 * keyhole-server user add} and {@code user link} against its configuration before it starts, then the link's
 * token exchanged for a session cookie, which every tunnel's handshake carries.
 */
final class KeyholeSignIn {

    private static final String USER = "bench";

    private KeyholeSignIn() {
    }

    /** Adds the benchmark's user (an operator) and returns the token of a one-time link signing it in. */
    static String linkToken(Path config) throws IOException {
        // Nobody signs in with it: a random password, on standard input only.
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().encodeToString(random);
        user(config, password + "\n", "add", USER, "--role", "operator", "--password-stdin");
        String link = user(config, "", "link", USER).strip();
        return link.substring(link.indexOf("#link=") + "#link=".length());
    }

    /** @return the {@code Cookie} header of the session a link's token begins at {@code server} */
    static String redeem(URI server, String token) throws IOException {
        try {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.resolve("/api/sign-in/link")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            List<String> cookies = new ArrayList<>();
            for (String setCookie : answer.headers().allValues("set-cookie")) {
                cookies.add(setCookie.split(";", 2)[0]);
            }
            if (answer.statusCode() != 200 || cookies.isEmpty()) {
                throw new IOException("Keyhole refused the benchmark's sign-in link: " + answer.statusCode());
            }
            return String.join("; ", cookies);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String user(Path config, String input, String... args) throws IOException {
        return UserCommands.run(config, input, args);
    }
}
