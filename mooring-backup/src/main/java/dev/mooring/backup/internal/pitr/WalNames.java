package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.regex.Pattern;

/**
 * The names of the files PostgreSQL archives: WAL segments ({@code 000000010000000000000003}), timeline history
 * files ({@code 00000002.history}), backup history files ({@code 000000010000000000000003.00000028.backup}) and
 * partial segments ({@code 000000010000000000000003.partial}). Only these are accepted as names of archived files,
 * so a wrong {@code %p}/{@code %f} is refused before anything is written. Stateless.
 */
public final class WalNames {
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern ANY = Pattern.compile("[0-9A-F]{24}|[0-9A-F]{8}\\.history|[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup"
            + "|[0-9A-F]{24}\\.partial");

    private WalNames() {
    }

    /** Whether {@code name} names a WAL segment (24 upper-case hex digits). */
    public static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches();
    }

    /** Whether {@code name} names any file PostgreSQL archives. */
    public static boolean isArchivable(String name) {
        return ANY.matcher(name).matches();
    }

    /**
     * Returns {@code name} if PostgreSQL archives files of that name.
     *
     * @throws MooringException {@code USAGE} naming the problem and the usual cause
     */
    public static String check(String name, String usage) {
        if (!isArchivable(name)) {
            throw new MooringException(ErrorCode.USAGE, "'" + name + "' is not the name of a WAL file (a segment such as"
                    + " 000000010000000000000003, a .history, .backup or .partial file): " + usage);
        }
        return name;
    }
}
