package dev.mooring.sync.client;

import java.time.Instant;

/**
 * A conflict that touched a local row: a pulled change met a local edit not yet pushed, or the server decided
 * against a pushed change. Immutable.
 *
 * @param table  the table
 * @param id     the row's id
 * @param rule   the rule that decided ({@code lww-column}, {@code update-wins}, {@code server-wins}, …)
 * @param result who won: {@code client}, {@code server}, {@code merged} (both, column by column) or {@code pending}
 *               (waiting in the server's conflict queue for a person)
 * @param at     when this client recorded it
 */
public record SyncConflict(String table, String id, String rule, String result, Instant at) {
}
