package dev.mooring.server;

import java.time.Instant;

/**
 * Where one alert of {@link HealthAlerts} stands. Immutable.
 *
 * @param alert       the alert
 * @param firing      whether its value is above its threshold
 * @param value       its value at the last evaluation, in the alert's base unit (see {@link Alert}); 0 before the first
 * @param threshold   the value above which it fires
 * @param since       when it last started or stopped firing (when the alerts started, while it never has)
 * @param evaluatedAt when its value was last read; {@code null} before the first evaluation. Older than
 *                    {@link AlertSettings#every()} when the database could not be read since
 */
public record AlertState(Alert alert, boolean firing, double value, double threshold, Instant since,
                         Instant evaluatedAt) {

    /** The alert's key, such as {@code pending-conflicts}. */
    public String name() {
        return alert.key();
    }
}
