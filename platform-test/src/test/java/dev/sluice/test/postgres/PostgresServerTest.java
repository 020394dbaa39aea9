package dev.sluice.test.postgres;

import dev.sluice.test.process.ProcessReaper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A real PostgreSQL: a database with its own role, data that survives a restart and a crash, and no leftovers. */
class PostgresServerTest {

    @Test
    void aDatabaseKeepsItsDataAcrossAStopAndACrash() throws Exception {
        Path folder = Path.of("target", "postgres-server-test").toAbsolutePath();
        ProcessReaper.delete(folder);
        ProcessReaper.deleteWhenDone(folder);
        PostgresServer server = PostgresServer.builder().folder(folder.resolve("pg")).start();
        long firstPid = server.pid().orElseThrow();
        try {
            String url = server.database("shop", "shop", "s3cret'quote");
            try (Connection c = DriverManager.getConnection(url, "shop", "s3cret'quote"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (sku TEXT PRIMARY KEY, available BIGINT NOT NULL)");
                s.execute("INSERT INTO item VALUES ('a', 7)");
            }
            // A wrong password is refused: connections are never anonymous.
            assertThatThrownBy(() -> DriverManager.getConnection(url, "shop", "wrong").close())
                    .isInstanceOf(SQLException.class);

            server.stop();
            assertThat(ProcessHandle.of(firstPid)).isEmpty();
            server.start();
            assertThat(server.database("shop", "shop", "s3cret'quote")).isEqualTo(url); // idempotent
            assertThat(available(url)).isEqualTo(7);

            server.kill();
            server.start();
            assertThat(available(url)).isEqualTo(7); // recovered from the write-ahead log
        }
        finally {
            long pid = server.pid().orElse(-1);
            server.close();
            assertThat(server.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid)).isEmpty();
        }
        String ours = PostgresBinary.locate().toString();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").startsWith(ours)))
                .as("no postgres process left").isEmpty();
    }

    @Test
    void startedByRootInsideAFolderNobodyCanEnterItKeepsItsFilesElsewhere() throws Exception {
        Assumptions.assumeTrue(PostgresServer.isRoot(), "only root runs the server as 'nobody'");
        Path closed = Path.of("target", "closed-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(closed);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        ProcessReaper.deleteWhenDone(closed);
        PostgresServer server = PostgresServer.builder().folder(closed.resolve("pg")).start();
        try {
            String url = server.database("closed", "closed", "pw");
            try (Connection c = DriverManager.getConnection(url, "closed", "pw"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x INT)");
                s.execute("INSERT INTO t VALUES (1)");
            }
            assertThat(server.log().toString()).doesNotStartWith(closed.toString());
        }
        finally {
            server.close();
        }
        // Deleting the folder asked for deletes the data, as if it had been there: the next start is empty.
        ProcessReaper.delete(closed.resolve("pg"));
        PostgresServer again = PostgresServer.builder().folder(closed.resolve("pg")).start();
        try {
            String url = again.database("closed", "closed", "pw");
            try (Connection c = DriverManager.getConnection(url, "closed", "pw"); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT to_regclass('t') IS NULL")) {
                r.next();
                assertThat(r.getBoolean(1)).isTrue();
            }
        }
        finally {
            again.close();
            ProcessReaper.delete(PostgresServer.relocated(closed.resolve("pg")));
        }
    }

    @Test
    void aTemporaryServerDeletesItsFolderOnClose() {
        PostgresServer server = PostgresServer.builder().start();
        Path log = server.log();
        assertThat(log).exists();
        server.close();
        assertThat(log).doesNotExist();
        assertThatThrownBy(() -> server.database("Bad-Name", "x", "y")).isInstanceOf(IllegalArgumentException.class);
    }

    private static long available(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "shop", "s3cret'quote"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT available FROM item WHERE sku = 'a'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
