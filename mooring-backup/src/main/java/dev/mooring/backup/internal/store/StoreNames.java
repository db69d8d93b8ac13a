package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Objects;

/**
 * The names objects may have, the same in every store so that a backup can move between a folder and a bucket:
 * 1 to {@value #MAX_LENGTH} characters, no {@code /} or {@code \}, no control characters, not starting with a dot
 * (names starting with a dot are the folder store's temporary files). Backup file names (see
 * {@code BackupNames}) always qualify. Stateless.
 */
final class StoreNames {
    /** Short enough that a temporary file named after the object stays within file systems' 255-byte limit. */
    static final int MAX_LENGTH = 200;

    private StoreNames() {
    }

    /** Returns {@code name} if it is a valid object name; else throws {@code USAGE}. */
    static String check(String name) {
        Objects.requireNonNull(name, "name");
        String problem = problem(name);
        if (problem != null) {
            throw new MooringException(ErrorCode.USAGE, "invalid backup object name '" + printable(name) + "': " + problem);
        }
        return name;
    }

    /** Whether {@code name} is a valid object name: what lists skip when it is not. */
    static boolean isValid(String name) {
        return problem(name) == null;
    }

    /** The error for reading an object that does not exist. */
    static MooringException missing(String name, BackupStore store, Throwable cause) {
        return new MooringException(ErrorCode.IO, "backup object " + name + " does not exist in " + store.describe()
                + ": list the store to see the backups it holds", cause);
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        if (name.charAt(0) == '.') {
            return "it starts with a dot";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                return "it contains '" + c + "': objects have no folders";
            }
            if (Character.isISOControl(c)) {
                return "it contains a control character";
            }
        }
        return null;
    }

    private static String printable(String name) {
        String shown = name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH) + "…" : name;
        return shown.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
