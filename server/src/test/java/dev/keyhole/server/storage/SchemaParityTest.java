package dev.keyhole.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyhole.server.storage.Database.Vendor;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migrations make the same schema on SQLite and on PostgreSQL: the same tables, and in each the same columns
 * (name, type, whether it may be null, default, in order), primary key, foreign keys (with what a delete does) and
 * indexes, as each database's own JDBC metadata describes them. Types are compared by what they mean, since each
 * database names them its own way ({@code BIGINT} is PostgreSQL's {@code int8}).
 */
class SchemaParityTest {

    /** Every table the migrations make, besides Flyway's own. */
    static final List<String> TABLES = List.of("audit_events", "audit_head", "link_devices", "passkey_ceremonies",
            "recovery_codes", "sessions", "setup_links", "share_links", "sign_in_failures", "subscriptions", "totp_secrets",
            "users", "webauthn_credentials");

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Test
    void sqliteAndPostgresqlHaveTheSameSchema() {
        Map<String, List<String>> sqlite = schema(databases.open(Vendor.SQLITE));
        Map<String, List<String>> postgresql = schema(databases.open(Vendor.POSTGRESQL));

        assertEquals(new TreeSet<>(TABLES), sqlite.keySet(), "SQLite's tables");
        assertEquals(sqlite.keySet(), postgresql.keySet(), "the same tables");
        for (String table : sqlite.keySet()) {
            assertEquals(String.join("\n", sqlite.get(table)), String.join("\n", postgresql.get(table)),
                    "the table " + table + " on SQLite (expected) and on PostgreSQL (actual)");
        }
    }

    /** Each table's description, one line per column, key and index, by table name. */
    private static Map<String, List<String>> schema(Database database) {
        return database.withConnection("read the schema", connection -> {
            Map<String, List<String>> tables = new TreeMap<>();
            for (String table : tables(connection)) {
                tables.put(table, describe(connection.getMetaData(), table));
            }
            return tables;
        });
    }

    private static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                String name = rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                String schema = rows.getString("TABLE_SCHEM");
                if (!name.startsWith("flyway_") && !name.startsWith("sqlite_")
                        && (schema == null || schema.equals("public"))) {
                    tables.add(name);
                }
            }
        }
        return tables;
    }

    private static List<String> describe(DatabaseMetaData meta, String table) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet columns = meta.getColumns(null, null, table, "%")) {
            while (columns.next()) {
                lines.add("column " + columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT) + " "
                        + type(columns.getString("TYPE_NAME")) + " " + (columns.getInt("NULLABLE")
                        == DatabaseMetaData.columnNoNulls ? "NOT NULL" : "NULL")
                        + defaultValue(columns.getString("COLUMN_DEF")));
            }
        }
        TreeMap<Integer, String> key = new TreeMap<>();
        try (ResultSet primary = meta.getPrimaryKeys(null, null, table)) {
            while (primary.next()) {
                key.put(primary.getInt("KEY_SEQ"), primary.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        lines.add("primary key (" + String.join(", ", key.values()) + ")");
        TreeSet<String> foreign = new TreeSet<>();
        try (ResultSet imported = meta.getImportedKeys(null, null, table)) {
            while (imported.next()) {
                foreign.add("foreign key " + imported.getString("FKCOLUMN_NAME").toLowerCase(Locale.ROOT) + " -> "
                        + imported.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT) + "."
                        + imported.getString("PKCOLUMN_NAME").toLowerCase(Locale.ROOT) + " on delete "
                        + deleteRule(imported.getShort("DELETE_RULE")));
            }
        }
        lines.addAll(foreign);
        TreeMap<String, TreeMap<Integer, String>> indexColumns = new TreeMap<>();
        Map<String, Boolean> unique = new TreeMap<>();
        try (ResultSet indexes = meta.getIndexInfo(null, null, table, false, false)) {
            while (indexes.next()) {
                String name = indexes.getString("INDEX_NAME");
                if (name == null) {
                    continue;
                }
                indexColumns.computeIfAbsent(name, n -> new TreeMap<>()).put((int) indexes.getShort("ORDINAL_POSITION"),
                        indexes.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                unique.put(name, !indexes.getBoolean("NON_UNIQUE"));
            }
        }
        TreeSet<String> described = new TreeSet<>();
        String primaryColumns = String.join(", ", key.values());
        for (Map.Entry<String, TreeMap<Integer, String>> index : indexColumns.entrySet()) {
            String columns = String.join(", ", index.getValue().values());
            // Both databases index a primary key; only the key itself says so alike.
            if (unique.get(index.getKey()) && columns.equals(primaryColumns)) {
                continue;
            }
            // Index names differ for unique constraints (sqlite_autoindex_…, …_key): columns say which it is.
            described.add((unique.get(index.getKey()) ? "unique index (" : "index (") + columns + ")");
        }
        lines.addAll(described);
        return lines;
    }

    /** A column's default as both databases write it: PostgreSQL adds a cast ({@code ''::text}). */
    private static String defaultValue(String text) {
        if (text == null) {
            return "";
        }
        return " DEFAULT " + text.replaceFirst("::[a-z ]+$", "").toLowerCase(Locale.ROOT);
    }

    /** A type as both databases mean it. */
    private static String type(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "text", "varchar" -> "TEXT";
            case "bigint", "int8" -> "BIGINT";
            case "integer", "int", "int4" -> "INTEGER";
            case "boolean", "bool" -> "BOOLEAN";
            default -> "unknown type " + name;
        };
    }

    private static String deleteRule(short rule) {
        return switch (rule) {
            case DatabaseMetaData.importedKeyCascade -> "cascade";
            case DatabaseMetaData.importedKeySetNull -> "set null";
            case DatabaseMetaData.importedKeyRestrict -> "restrict";
            case DatabaseMetaData.importedKeyNoAction -> "no action";
            case DatabaseMetaData.importedKeySetDefault -> "set default";
            default -> "rule " + rule;
        };
    }
}
