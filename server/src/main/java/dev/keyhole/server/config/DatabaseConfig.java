package dev.keyhole.server.config;

/**
 * Which database Keyhole keeps its records in: a SQLite file in the data directory, or the PostgreSQL database a
 * JDBC URL names.
 *
 * @param url      a PostgreSQL JDBC URL ({@code jdbc:postgresql://HOST[:PORT]/DATABASE}); empty for SQLite, the
 *                 file {@value #SQLITE_FILE} in the data directory
 * @param username the PostgreSQL user; empty: the URL's {@code user=} parameter, else the driver's default (the
 *                 operating system user running Keyhole). Always empty for SQLite
 * @param password that user's password; empty: none. Always empty for SQLite
 */
public record DatabaseConfig(String url, String username, String password) {

    /** The SQLite database's file name in the data directory. */
    public static final String SQLITE_FILE = "keyhole.db";

    /** SQLite in the data directory: the default. */
    public static final DatabaseConfig SQLITE = new DatabaseConfig("", "", "");

    /** Empty for null. */
    public DatabaseConfig {
        url = url == null ? "" : url;
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    /**
     * @param url      a PostgreSQL JDBC URL
     * @param username the user; may be empty
     * @param password the password; may be empty
     * @return PostgreSQL at {@code url}
     */
    public static DatabaseConfig postgresql(String url, String username, String password) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL needs a JDBC URL");
        }
        return new DatabaseConfig(url, username, password);
    }

    /** @return whether this is PostgreSQL (a URL is given) rather than SQLite in the data directory */
    public boolean isPostgresql() {
        return !url.isEmpty();
    }

    /** Says only whether there is a password. */
    @Override
    public String toString() {
        return isPostgresql()
                ? "DatabaseConfig[url=" + url + ", username=" + username + ", password="
                        + (password.isEmpty() ? "(none)" : "(hidden)") + "]"
                : "DatabaseConfig[SQLite in the data directory]";
    }
}
