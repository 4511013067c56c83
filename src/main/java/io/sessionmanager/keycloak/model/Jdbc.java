package io.sessionmanager.keycloak.model;

import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.jdbc.ReturningWork;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain JDBC on the connection of a Keycloak transaction, for the few statements JPA cannot say:
 * the sign-in's savepoint and insert, and a read of Keycloak's own table of sessions.
 */
final class Jdbc {

    /** Keycloak's database dialect; the same for the server's lifetime. */
    private static volatile Dialect dialect;

    private final EntityManager em;

    Jdbc(EntityManager em) {
        this.em = em;
    }

    /** Runs {@code work} on this transaction's connection, its SQL errors rethrown unchecked. */
    <T> T run(ReturningWork<T> work) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try {
                return work.execute(connection);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    void execute(String sql) {
        run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            return null;
        });
    }

    boolean isPostgres() {
        return dialect() instanceof PostgreSQLDialect;
    }

    boolean isMySqlFamily() {
        return dialect() instanceof MySQLDialect;
    }

    private Dialect dialect() {
        Dialect known = dialect;
        if (known == null) {
            known = em.getEntityManagerFactory().unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
            dialect = known;
        }
        return known;
    }

    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        bindAfter(statement, 0, parameters);
    }

    /** Binds {@code parameters} to the statement's parameters after the first {@code skipped}. */
    static void bindAfter(PreparedStatement statement, int skipped, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(skipped + i + 1, parameters[i]);
        }
    }
}
