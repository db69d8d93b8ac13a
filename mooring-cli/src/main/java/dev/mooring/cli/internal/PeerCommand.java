package dev.mooring.cli.internal;

import picocli.CommandLine.Command;

/**
 * {@code mooring peer}: exchanges changes between two devices of the same user without the server, by file
 * ({@code export}, {@code import}) or over the LAN ({@code serve} on one device, {@code sync} on the other).
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Peer to peer: exchange changes between two devices of the same user without the server, as a"
                + " file or over the local network. What a device learns from a peer reaches the server with its next"
                + " sync.",
        subcommands = {PeerExportCommand.class, PeerImportCommand.class, PeerServeCommand.class, PeerSyncCommand.class,
                PeerStatusCommand.class})
public final class PeerCommand {
}
