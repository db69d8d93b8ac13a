package dev.mooring.sync.client;

import java.util.Locale;

/** How a data package reached this client, as {@code local_packages.source} records it. */
public enum PackageSource {
    /** Downloaded from the sync server ({@code GET /v1/packages/{id}}). */
    DOWNLOAD,
    /** Imported from a file: copied from a memory card, a download made elsewhere. */
    IMPORT,
    /** Handed over by another device that had imported it ({@code mooring package export}). */
    SHARE;

    /** The name stored and printed: {@code download}, {@code import}, {@code share}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
