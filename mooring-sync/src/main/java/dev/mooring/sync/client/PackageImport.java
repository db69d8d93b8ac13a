package dev.mooring.sync.client;

import java.util.Objects;

/**
 * How to import a data package. Immutable; {@code withX} returns a changed copy.
 *
 * @param source where the package came from, recorded in {@code local_packages}
 * @param userId the user this client syncs as, when known. A package of one user's rows moves the client's cursor
 *               only when it is known to be for this client's user: named here, or downloaded with this client's
 *               token. A package for another user than the one named is refused. {@code null}: not known.
 */
public record PackageImport(PackageSource source, String userId) {
    public PackageImport {
        Objects.requireNonNull(source, "source");
    }

    /** A package imported from a file, the client's user not named. */
    public static PackageImport fromFile() {
        return new PackageImport(PackageSource.IMPORT, null);
    }

    /** A package handed over by another device, the client's user not named. */
    public static PackageImport shared() {
        return new PackageImport(PackageSource.SHARE, null);
    }

    public PackageImport withSource(PackageSource value) {
        return new PackageImport(value, userId);
    }

    public PackageImport withUser(String value) {
        return new PackageImport(source, value);
    }
}
