package dev.mooring.server.client;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/**
 * Another application's transactions on the server database, as long reports and batch jobs hold them: now and then
 * one begins (it writes, so it has a transaction id, and pulls deliver nothing from transactions after it until it
 * ends), and later the oldest one commits. Up to two are open at a time; they stay open across syncs of any device.
 * Not thread-safe.
 */
final class LateWriters implements AutoCloseable {
    /** The table they write, created with the rest of the server's schema. */
    static final String TABLE = "CREATE TABLE report_runs (id bigserial PRIMARY KEY, step int NOT NULL)";

    private final DataSource database;
    private final Random random;
    private final RowHistory history;
    /** The open transactions, oldest first. */
    private final List<Connection> open = new ArrayList<>();
    private int commits;

    LateWriters(DataSource database, Random random, RowHistory history) {
        this.database = database;
        this.random = random;
        this.history = history;
    }

    /** How many committed so far. */
    int commits() {
        return commits;
    }

    /** At step {@code step} of a run: maybe one begins, or the oldest open one commits. */
    void step(int step) throws SQLException {
        int roll = random.nextInt(100);
        if (roll < 4 && open.size() < 2) {
            Connection c = database.getConnection();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO report_runs (step) VALUES (" + step + ")");
            }
            open.add(c);
            history.server("another application's transaction begins at step " + step);
        } else if (roll < 12 && !open.isEmpty()) {
            commitOldest();
        }
    }

    /** Every open one commits, oldest first. */
    void commitAll() throws SQLException {
        while (!open.isEmpty()) {
            commitOldest();
        }
    }

    private void commitOldest() throws SQLException {
        try (Connection c = open.remove(0)) {
            c.commit();
        }
        commits++;
        history.server("another application's oldest open transaction commits");
    }

    /** Ends the ones still open (a run that stopped early), committing nothing. */
    @Override
    public void close() throws SQLException {
        for (Connection c : open) {
            c.close();
        }
    }
}
