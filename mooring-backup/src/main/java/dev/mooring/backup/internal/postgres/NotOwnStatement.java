package dev.mooring.backup.internal.postgres;

/**
 * Thrown while reading a statement's shape when it is not one Mooring's dump engine writes; {@link DumpAllowList}
 * turns it into the user's error, with the script line and the statement. Never leaves this package.
 */
final class NotOwnStatement extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotOwnStatement(String why) {
        super(why, null, false, false);
    }
}
