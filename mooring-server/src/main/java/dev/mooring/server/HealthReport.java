package dev.mooring.server;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How sync is doing, from {@link SyncHealth#report}. Session figures cover the last hour. Immutable.
 *
 * @param sessionsLastHour        sync requests recorded in the last hour
 * @param failedLastHour          of those, the ones that failed
 * @param conflictRate            conflicts per change in the last hour (conflicts / max(1, changes))
 * @param pendingConflicts        conflicts waiting for a person
 * @param oldestPendingConflict   when the oldest of them arose; {@code null} when none wait
 * @param averageDurationMs       mean request duration in the last hour, 0 when there were none
 * @param nodes                   client nodes the server knows
 * @param changeLogRows           rows in the change log
 * @param oldestUndeliveredChange when the oldest change some node has not pulled yet was made; {@code null} when no
 *                                node has pulled, or every node is up to date
 * @param checks                  what else the server runs, by name, such as its backup schedule
 *                                ({@link ServerOptions#withHealthCheck}); empty when read from the database alone
 */
public record HealthReport(long sessionsLastHour, long failedLastHour, double conflictRate, long pendingConflicts,
                           Instant oldestPendingConflict, double averageDurationMs, long nodes, long changeLogRows,
                           Instant oldestUndeliveredChange, Map<String, HealthCheck.Result> checks) {
    public HealthReport {
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** This report with {@code results} as its checks. */
    public HealthReport withChecks(Map<String, HealthCheck.Result> results) {
        return new HealthReport(sessionsLastHour, failedLastHour, conflictRate, pendingConflicts, oldestPendingConflict,
                averageDurationMs, nodes, changeLogRows, oldestUndeliveredChange, results);
    }

    /** A few lines for a person, as the CLI prints it. */
    public String toText() {
        StringBuilder checkLines = new StringBuilder();
        checks.forEach((name, result) -> checkLines.append(String.format(Locale.ROOT, "%-24s%s%n",
                Character.toUpperCase(name.charAt(0)) + name.substring(1) + ":", result.summary())));
        return String.format(Locale.ROOT, """
                        Sessions (last hour):   %d, %d failed, average %.1f ms
                        Conflict rate:          %.2f%% of changes
                        Pending conflicts:      %d%s
                        Nodes:                  %d
                        Change log:             %d rows%s
                        """ + checkLines, sessionsLastHour, failedLastHour, averageDurationMs, conflictRate * 100,
                pendingConflicts, oldestPendingConflict == null ? "" : ", oldest from " + oldestPendingConflict,
                nodes, changeLogRows, oldestUndeliveredChange == null ? ", every node up to date"
                        : ", oldest undelivered change from " + oldestUndeliveredChange);
    }
}
