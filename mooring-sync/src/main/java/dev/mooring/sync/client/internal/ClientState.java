package dev.mooring.sync.client.internal;

import dev.mooring.sync.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The client's one-row state in {@code sync_state}: node id, hybrid logical clock, pull cursor and the next push
 * sequence. Every method works inside the caller's transaction. Stateless.
 */
public final class ClientState {
    private ClientState() {
    }

    public static String nodeId(Connection c) throws SQLException {
        return string(c, "node_id");
    }

    /** The user the server said this database syncs for; {@code null} before the first sync that asked. */
    public static String userId(Connection c) throws SQLException {
        return string(c, "user_id");
    }

    static void setUserId(Connection c, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET user_id = ? WHERE user_id IS NOT ?")) {
            ps.setString(1, userId);
            ps.setString(2, userId);
            ps.executeUpdate();
        }
    }

    public static String cursor(Connection c) throws SQLException {
        return string(c, "cursor");
    }

    static void setCursor(Connection c, String cursor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET cursor = ?")) {
            ps.setString(1, cursor);
            ps.executeUpdate();
        }
    }

    /** Sets or clears the flag that keeps the capture triggers from recording the sync's own writes. */
    static void applying(Connection c, boolean on) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sync_state SET applying = " + (on ? 1 : 0));
        }
    }

    /** Takes {@code count} push sequence numbers and returns the first. */
    static long takeSequences(Connection c, int count) throws SQLException {
        long first = Long.parseLong(string(c, "next_client_seq"));
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET next_client_seq = ?")) {
            ps.setLong(1, first + count);
            ps.executeUpdate();
        }
        return first;
    }

    /** A new local time, as the capture triggers take one. */
    static Hlc tick(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(CaptureTriggers.TICK);
        }
        return Hlc.parse(string(c, CaptureTriggers.HLC));
    }

    /**
     * Merges a time received from the server into the clock, so every later local write is stamped after every
     * change this client has seen, however far its own wall clock is behind (the hybrid logical clock's receive).
     */
    static void receive(Connection c, Hlc remote) throws SQLException {
        long physical;
        int counter;
        long wall;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT physical_ms, counter, clock_offset_ms FROM sync_state")) {
            rs.next();
            physical = rs.getLong(1);
            counter = rs.getInt(2);
            wall = System.currentTimeMillis() + rs.getLong(3);
        }
        long next = Math.max(wall, Math.max(physical, remote.physicalMs()));
        int nextCounter;
        if (next == physical && next == remote.physicalMs()) {
            nextCounter = Math.max(counter, remote.counter()) + 1;
        } else if (next == physical) {
            nextCounter = counter + 1;
        } else if (next == remote.physicalMs()) {
            nextCounter = remote.counter() + 1;
        } else {
            nextCounter = 0;
        }
        if (nextCounter > Hlc.MAX_COUNTER) {
            next++;
            nextCounter = 0;
        }
        if (next == physical && nextCounter == counter) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_state SET physical_ms = ?, counter = ?")) {
            ps.setLong(1, next);
            ps.setInt(2, nextCounter);
            ps.executeUpdate();
        }
    }

    private static String string(Connection c, String expression) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + expression + " FROM sync_state")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
