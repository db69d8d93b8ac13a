/**
 * The sync server on PostgreSQL: declared synced tables, trigger-based change capture into {@code mooring.change_log},
 * pulls that never skip a change, pushes with conflict resolution, and the HTTP API.
 */
package dev.mooring.server;
