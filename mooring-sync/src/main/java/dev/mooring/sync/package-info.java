/**
 * The sync protocol that clients, peers and the server share: the wire model of column-level changes and the hybrid
 * logical clock that orders them. Light on purpose: a client pulls this in, never the server stack.
 */
package dev.mooring.sync;
