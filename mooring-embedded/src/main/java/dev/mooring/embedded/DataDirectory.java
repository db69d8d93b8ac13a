package dev.mooring.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalInt;

/**
 * A persistent data directory of an embedded server and what Mooring keeps in it beside PostgreSQL's own files: the
 * port the server last listened on, reused when it is free so that the server's URL stays the same across restarts.
 * Whether another process runs a server on it is read from the lock zonky holds while one runs ({@code epg-lock}) and
 * its port from PostgreSQL's {@code postmaster.pid}. Not thread-safe; one per start.
 */
final class DataDirectory {
    private static final String PORT_FILE = "mooring-port";

    private final Path directory;

    DataDirectory(Path directory) {
        this.directory = directory;
    }

    /** @throws EmbeddedDatabaseInUseException when another process runs a server on this directory */
    void refuseIfInUse() throws IOException {
        Path lock = directory.resolve("epg-lock");
        if (!Files.exists(lock)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock free = channel.tryLock();
            if (free != null) {
                free.release();
                return;
            }
        } catch (OverlappingFileLockException e) {
            // this process runs a server on it already
        }
        throw new EmbeddedDatabaseInUseException(directory, runningPort());
    }

    /** The port in {@code postmaster.pid} (its fourth line); empty before the server wrote it. */
    private OptionalInt runningPort() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
            return lines.size() < 4 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(lines.get(3).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The port the server listened on last time if it is free now, else a free one. */
    int choosePort() throws IOException {
        try {
            int remembered = Integer.parseInt(Files.readString(directory.resolve(PORT_FILE)).strip());
            if (isFree(remembered)) {
                return remembered;
            }
        } catch (NoSuchFileException | NumberFormatException e) {
            // first start, or a file someone edited: any free port will do
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Remembers the port the server listens on, for the next start. */
    void remember(int port) {
        try {
            Files.writeString(directory.resolve(PORT_FILE), port + "\n");
        } catch (IOException e) {
            // the server runs all the same; the next start picks another free port
        }
    }

    private static boolean isFree(int port) {
        if (port < 1 || port > 65535) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
