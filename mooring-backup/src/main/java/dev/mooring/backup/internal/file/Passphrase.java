package dev.mooring.backup.internal.file;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Map;
import java.util.Objects;

/**
 * Where the backup passphrase comes from: the environment, never a command-line argument (visible to other
 * users in the process list) nor a config file. Callers ask for it before writing anything, so a missing
 * passphrase fails a backup before it starts rather than after an hour of dumping. Stateless, thread-safe.
 */
public final class Passphrase {
    /** The environment variable that holds the passphrase. */
    public static final String ENVIRONMENT_VARIABLE = "MOORING_BACKUP_PASSPHRASE";

    private Passphrase() {
    }

    /**
     * The passphrase from {@code env} (usually {@code System.getenv()}), as a fresh array the caller clears.
     *
     * @throws MooringException {@code BACKUP_PASSPHRASE} if the variable is unset or empty
     */
    public static char[] fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String value = env.get(ENVIRONMENT_VARIABLE);
        if (value == null) {
            throw new MooringException(ErrorCode.BACKUP_PASSPHRASE,
                    "encrypted backups need a passphrase: set " + ENVIRONMENT_VARIABLE);
        }
        if (value.isEmpty()) {
            throw new MooringException(ErrorCode.BACKUP_PASSPHRASE,
                    ENVIRONMENT_VARIABLE + " is empty: set it to the backup passphrase");
        }
        return value.toCharArray();
    }
}
