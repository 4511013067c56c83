package io.sessionmanager.keycloak.it.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Keycloak's database as the tests reach it: the options that point the server at it, and JDBC.
 * The embedded H2 runs in mixed mode so that tests can read and seed it while the server runs;
 * PostgreSQL and MariaDB are the machine's own servers, each run on a database of its own.
 */
public record Database(String kind, List<String> serverOptions, String jdbcUrl, String user, String password) {

    /** A fresh, empty database of the kind named by {@code -Dkeycloak.db} (h2, postgres, mariadb). */
    public static Database fresh(String kind, Path home) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "h2" -> h2(home.resolve("data/h2/keycloakdb"));
            case "postgres" -> server("postgres", "jdbc:postgresql://127.0.0.1:5432/", "postgres", "");
            case "mariadb" -> server("mariadb", "jdbc:mariadb://127.0.0.1:3306/", "root", "");
            default -> throw new IllegalArgumentException("keycloak.db must be h2, postgres or mariadb, not " + kind);
        };
    }

    public static String kindFromSystemProperty() {
        return System.getProperty("keycloak.db", "h2");
    }

    private static Database h2(Path file) {
        String url = "jdbc:h2:file:" + file.toAbsolutePath() + ";NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE";
        return new Database("h2", List.of("--db=dev-file", "--db-url=" + url, "--db-username=sa",
                "--db-password=password"), url, "sa", "password");
    }

    private static Database server(String kind, String serverUrl, String user, String password) {
        String name = "sm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(serverUrl + (kind.equals("postgres") ? "postgres" : ""),
                user, password); Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a " + kind + " database at " + serverUrl
                    + " (is the server running? .ci/run starts it)", e);
        }
        String url = serverUrl + name;
        List<String> options = List.of("--db=" + kind, "--db-url=" + url, "--db-username=" + user,
                "--db-password=" + password);
        return new Database(kind, options, url, user, password);
    }

    /**
     * The same database, Keycloak reaching it through a relay on {@code port} of loopback (see
     * {@link TcpProxy}); the tests' own connections still go straight to it.
     */
    public Database through(int port) {
        String relayed = jdbcUrl.replaceFirst("//127\\.0\\.0\\.1:\\d+/", "//127.0.0.1:" + port + "/");
        List<String> options = serverOptions.stream().map(o -> o.startsWith("--db-url=") ? "--db-url=" + relayed : o).toList();
        return new Database(kind, options, jdbcUrl, user, password);
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

    /** The first column of every row a query returns. */
    public List<String> strings(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /**
     * What the database says about its locks, for a failing test to show: InnoDB's status on
     * MariaDB (its latest deadlock and every open transaction's locks); empty elsewhere.
     */
    public String lockReport() {
        if (!kind.equals("mariadb")) {
            return "";
        }
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection,
                "show engine innodb status"); ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getString(3) : "";
        } catch (SQLException e) {
            return "show engine innodb status failed: " + e;
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
