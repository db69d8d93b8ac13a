package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.TableSummary;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link PostgresDump} wrote.
 *
 * @param serverVersion    the server's {@code SHOW server_version}
 * @param serverVersionNum the server's {@code server_version_num}, e.g. 180001
 * @param schemas          the schemas the dump creates, sorted
 * @param tables           every table whose rows the dump holds, sorted by name
 */
public record PostgresDumpResult(String serverVersion, int serverVersionNum, List<String> schemas, List<TableSummary> tables) {
    public PostgresDumpResult {
        Objects.requireNonNull(serverVersion, "serverVersion");
        schemas = List.copyOf(schemas);
        tables = List.copyOf(tables);
    }
}
