package dev.mooring.migrate;

import java.util.List;

/**
 * What {@code repair} changed in the history.
 *
 * @param removedFailed failed rows removed (scripts)
 * @param realigned     applied rows whose checksum and description now match the files (scripts)
 * @param missing       applied rows whose file is missing; left as they are, listed so nobody is surprised
 */
public record RepairResult(List<String> removedFailed, List<String> realigned, List<String> missing) {
    public RepairResult {
        removedFailed = List.copyOf(removedFailed);
        realigned = List.copyOf(realigned);
        missing = List.copyOf(missing);
    }
}
