package io.sessionmanager.keycloak.it.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Keycloak's database as the tests reach it: the options that point the server at it, and JDBC. */
public record Database(List<String> serverOptions, String jdbcUrl, String user, String password) {

    static Database h2(Path file) {
        String url = "jdbc:h2:file:" + file.toAbsolutePath() + ";NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE";
        return new Database(List.of("--db=dev-file", "--db-url=" + url, "--db-username=sa", "--db-password=password"),
                url, "sa", "password");
    }

    public Connection connect() {
        try {
            return DriverManager.getConnection(jdbcUrl, user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach Keycloak's database at " + jdbcUrl, e);
        }
    }

    /** The single number a query such as {@code select count(*) ...} returns. */
    public long count(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
