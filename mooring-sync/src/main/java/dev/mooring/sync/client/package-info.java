/**
 * Client-side transports of the sync protocol: {@link dev.mooring.sync.client.HttpTransport} talks to a Mooring sync
 * server over HTTP. Depends on the JDK's HTTP client only, never on the server stack.
 */
package dev.mooring.sync.client;
