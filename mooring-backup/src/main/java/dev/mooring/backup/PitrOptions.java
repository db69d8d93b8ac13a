package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link PointInTimeRestore} restores. Immutable; {@code withX} returns a changed copy.
 *
 * @param pgdata         the data directory to create: it must not exist or be empty
 * @param target         where recovery stops
 * @param mooringCommand how PostgreSQL runs this Mooring for {@code restore_command}, as words, such as
 *                       {@code [/usr/bin/java, -jar, /opt/mooring/mooring.jar]}; {@code wal fetch %f %p --dir …}
 *                       follows them
 * @param pgBin          the folder of the PostgreSQL programs ({@code pg_ctl}, {@code postgres}) to recover with;
 *                       null: {@code pg_ctl} on the PATH if its major version is the backup's, else {@code fallbackPgBin}
 * @param fallbackPgBin  programs to use when none of the backup's major version is on the PATH, or null
 * @param port           the port the recovering server listens on (localhost only); 0 picks a free one
 * @param user           the role that verifies the restored server (reads tables and counts rows)
 * @param password       its password, or null
 * @param keepRunning    leave the server running after verification (it then archives as its configuration says);
 *                       otherwise it is stopped, and ran with {@code archive_mode=off} so that nothing it did reaches
 *                       the archive
 * @param timeout        how long recovery may take
 */
public record PitrOptions(Path pgdata, RecoveryTarget target, List<String> mooringCommand, Path pgBin,
                          Path fallbackPgBin, int port, String user, String password, boolean keepRunning,
                          Duration timeout) {
    public PitrOptions {
        Objects.requireNonNull(pgdata, "pgdata");
        Objects.requireNonNull(target, "target");
        mooringCommand = List.copyOf(Objects.requireNonNull(mooringCommand, "mooringCommand"));
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(timeout, "timeout");
        if (mooringCommand.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "mooringCommand is empty: name how to run Mooring");
        }
        if (port < 0 || port > 65535) {
            throw new MooringException(ErrorCode.CONFIGURATION, "port must be 0 (any free port) to 65535, was " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the recovery timeout must be positive, was " + timeout);
        }
    }

    /** Defaults: programs from the PATH, a free port, role {@code postgres}, stop afterwards, a 1 hour timeout. */
    public static PitrOptions of(Path pgdata, RecoveryTarget target, List<String> mooringCommand) {
        return new PitrOptions(pgdata, target, mooringCommand, null, null, 0, "postgres", null, false, Duration.ofHours(1));
    }

    public PitrOptions withPgBin(Path pgBin) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }

    public PitrOptions withFallbackPgBin(Path fallbackPgBin) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }

    public PitrOptions withPort(int port) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }

    public PitrOptions withUser(String user, String password) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }

    public PitrOptions withKeepRunning(boolean keepRunning) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }

    public PitrOptions withTimeout(Duration timeout) {
        return new PitrOptions(pgdata, target, mooringCommand, pgBin, fallbackPgBin, port, user, password, keepRunning, timeout);
    }
}
