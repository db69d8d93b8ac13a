package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * A client's request for a data package ({@code POST /v1/packages}): the server cuts it for the caller (or, shared,
 * from public-read tables), or serves the last one again when nothing it holds has changed. Immutable.
 *
 * @param name   the package type
 * @param tables the synced tables it should hold
 * @param shared whether it is a shared package of public-read tables rather than the caller's rows
 */
public record PackageOrder(String name, List<String> tables, boolean shared) {
    public PackageOrder {
        Objects.requireNonNull(name, "name");
        tables = WireForm.list(tables, "tables");
    }
}
