package dev.keyhole.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data-dir} and {@code database}: where Keyhole keeps its files and its records. */
class StorageConfigTest {

    private static final String URL = "jdbc:postgresql://db.example.org:5432/keyhole";

    @TempDir
    Path dir;

    private static KeyholeConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse("k.yaml", yaml, env);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> parse(yaml, env)).problems();
    }

    @Test
    void byDefaultSqliteInVarLibKeyhole() {
        KeyholeConfig config = parse("", Map.of());

        assertEquals(Path.of("/var/lib/keyhole"), config.dataDir());
        assertEquals(DatabaseConfig.SQLITE, config.database());
        assertFalse(config.database().isPostgresql());
    }

    @Test
    void theDataDirectoryIsAnAbsolutePathThatTheEnvironmentMayOverride() {
        assertEquals(Path.of("/srv/keyhole"), parse("data-dir: /srv/keyhole/\n", Map.of()).dataDir());
        assertEquals(Path.of("/run/keyhole"),
                parse("data-dir: /srv/keyhole\n", Map.of("KEYHOLE_DATA_DIR", "/run/keyhole")).dataDir());
        assertEquals(List.of("k.yaml:2: data-dir = var/keyhole: must be an absolute path, e.g. /var/lib/keyhole"),
                problems("# where Keyhole keeps its files\ndata-dir: var/keyhole\n", Map.of()));
        assertEquals(List.of("environment:KEYHOLE_DATA_DIR: data-dir = data: must be an absolute path, e.g. "
                + "/var/lib/keyhole"), problems("", Map.of("KEYHOLE_DATA_DIR", "data")));
    }

    @Test
    void aPostgresqlDatabaseWithItsUserAndThePasswordFromTheEnvironment() {
        DatabaseConfig database = parse("""
                database:
                  url: %s
                  username: keyhole
                  password-env: DB_PASSWORD
                """.formatted(URL), Map.of("DB_PASSWORD", "db-s3cret")).database();

        assertEquals(DatabaseConfig.postgresql(URL, "keyhole", "db-s3cret"), database);
        assertTrue(database.isPostgresql());
        assertFalse(database.toString().contains("db-s3cret"), database::toString);
        assertTrue(database.toString().contains("password=(hidden)"), database::toString);
    }

    @Test
    void thePasswordFromAFileAndTheUrlFromTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("database.password"), "from-file\nnot this\n");
        DatabaseConfig database = parse("""
                database:
                  password-file: %s
                """.formatted(file), Map.of("KEYHOLE_DATABASE_URL", URL)).database();

        assertEquals(DatabaseConfig.postgresql(URL, "", "from-file"), database);
    }

    @Test
    void onlyPostgresqlUrlsAreTaken() {
        assertEquals(List.of("k.yaml:2: database.url = jdbc:sqlite:/tmp/k.db: must be a PostgreSQL JDBC URL, "
                + "jdbc:postgresql://HOST[:PORT]/DATABASE (leave it out for SQLite in data-dir)"),
                problems("database:\n  url: jdbc:sqlite:/tmp/k.db\n", Map.of()));
        assertEquals(List.of("k.yaml:2: database.url = jdbc:postgresql://db.example.org: must be a PostgreSQL JDBC "
                + "URL, jdbc:postgresql://HOST[:PORT]/DATABASE (leave it out for SQLite in data-dir)"),
                problems("database:\n  url: jdbc:postgresql://db.example.org\n", Map.of()));
        assertEquals(URL + "?sslmode=require", parse("database:\n  url: " + URL + "?sslmode=require\n", Map.of())
                .database().url());
    }

    @Test
    void aPasswordInTheUrlIsRefusedAndNeverShown() {
        List<String> inFile = problems("database:\n  url: " + URL + "?user=k&password=hunter2\n", Map.of());
        List<String> inEnvironment = problems("", Map.of("KEYHOLE_DATABASE_URL", URL + "?password=hunter2"));

        assertEquals(List.of("k.yaml:2: database.url = (hidden): must not hold the password: give it with "
                + "password-env or password-file"), inFile);
        assertEquals(List.of("environment:KEYHOLE_DATABASE_URL: database.url = (hidden): must not hold the password: "
                + "give it with password-env or password-file"), inEnvironment);
    }

    @Test
    void anAccountWithoutAPostgresqlDatabaseIsRefused() {
        assertEquals(List.of("k.yaml:3: database.username = keyhole: applies to PostgreSQL only: give database.url "
                + "too, or leave it out (SQLite needs no account)",
                "k.yaml:4: database.password-env = DB_PASSWORD: applies to PostgreSQL only: give database.url too, "
                + "or leave it out (SQLite needs no account)"),
                problems("""
                        data-dir: /srv/keyhole
                        database:
                          username: keyhole
                          password-env: DB_PASSWORD
                        """, Map.of("DB_PASSWORD", "x")));
    }

    @Test
    void anEmptyUsernameIsRefused() {
        assertEquals(List.of("k.yaml:3: database.username = : must not be empty (leave it out for the URL's user "
                + "parameter, or the system user's name)"),
                problems("database:\n  url: " + URL + "\n  username: ''\n", Map.of()));
    }

    @Test
    void aPlainPasswordIsUnknownAndNeverShown() {
        assertEquals(List.of("k.yaml:3: database.password = (hidden): unknown key; known keys here: password-env, "
                + "password-file, url, username"),
                problems("database:\n  url: " + URL + "\n  password: hunter2\n", Map.of()));
    }

    @Test
    void aConfigurationBuiltInCodeNamesItsDataDirectory() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> KeyholeConfig.builder().build());
        assertTrue(e.getMessage().contains("dataDir"), e::getMessage);
        assertThrows(IllegalArgumentException.class,
                () -> KeyholeConfig.builder().dataDir(Path.of("relative")).build());
    }
}
