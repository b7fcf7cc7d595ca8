package dev.keyhole.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One statement with its parameters, for the stores' short SQL: parameters are {@link String}s, {@link Long}s,
 * {@link Integer}s, {@link Boolean}s or null, bound in order.
 */
public final class Sql {

    /**
     * Reads one row into a value.
     *
     * @param <T> the value
     */
    @FunctionalInterface
    public interface Row<T> {
        /** @return the value of the row {@code rows} is on */
        T read(ResultSet rows) throws SQLException;
    }

    private Sql() {
    }

    /** @return how many rows the statement changed */
    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /** @return every row the query found, in its order */
    public static <T> List<T> query(Connection connection, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<T> found = new ArrayList<>();
            while (rows.next()) {
                found.add(row.read(rows));
            }
            return found;
        }
    }

    /** @return the first row's value, if the query found a row and its value is not null */
    public static <T> Optional<T> first(Connection connection, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        List<T> found = query(connection, sql, row, parameters);
        return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0));
    }

    /** @return a nullable {@code BIGINT} column: null when it is NULL */
    public static Long nullableLong(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                if (parameter == null) {
                    statement.setNull(i + 1, java.sql.Types.NULL);
                } else if (parameter instanceof String text) {
                    statement.setString(i + 1, text);
                } else if (parameter instanceof Long number) {
                    statement.setLong(i + 1, number);
                } else if (parameter instanceof Integer number) {
                    statement.setInt(i + 1, number);
                } else if (parameter instanceof Boolean flag) {
                    statement.setBoolean(i + 1, flag);
                } else {
                    throw new IllegalArgumentException("no SQL parameter of type " + parameter.getClass());
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
