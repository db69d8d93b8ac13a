package dev.mooring.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.Conflict;
import dev.mooring.server.Resolution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.io.PrintWriter;

/** {@code mooring conflicts list | resolve}: the queue of conflicts a person must settle, and the audit of the rest. */
@Command(name = "conflicts", mixinStandardHelpOptions = true, description = "List and resolve sync conflicts.",
        subcommands = {ConflictsCommand.ListConflicts.class, ConflictsCommand.Resolve.class})
public final class ConflictsCommand {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List pending conflicts (with --all, the resolved ones too, for audit).")
    static final class ListConflicts extends SyncCommand {
        @Option(names = "--user", paramLabel = "ID", description = "Only this user's conflicts.")
        String user;

        @Option(names = "--all", description = "Include resolved conflicts.")
        boolean all;

        @Option(names = "--limit", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        int run(SyncTarget db, PrintWriter out) {
            List<Conflict> conflicts = db.conflictQueue().list(user, !all, limit);
            if (json) {
                Output.json(out, conflicts);
                return 0;
            }
            StringBuilder text = new StringBuilder(conflicts.isEmpty() ? (all ? "No conflicts." : "No pending conflicts.") : "");
            for (Conflict c : conflicts) {
                text.append('#').append(c.id()).append(' ').append(c.table()).append(' ').append(c.recordId())
                        .append(" (").append(c.status()).append(", rule ").append(c.rule()).append(", result ")
                        .append(c.result()).append(", from node ").append(c.clientNode()).append(")\n")
                        .append("    server: ").append(c.serverVersion()).append('\n')
                        .append("    client: ").append(c.clientVersion()).append('\n');
            }
            Output.text(out, text.toString().stripTrailing());
            return 0;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Settle a pending conflict: keep the server's version, take the client's, or give merged values.")
    static final class Resolve extends SyncCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The conflict's id (see conflicts list).")
        long id;

        @Option(names = "--take", required = true, paramLabel = "server|client|merged", description = "Which version wins.")
        String take;

        @Option(names = "--values", paramLabel = "JSON", description = "With --take merged: the columns to write, as a"
                + " JSON object, e.g. '{\"title\": \"Both\"}'.")
        String values;

        @Option(names = "--by", defaultValue = "cli", description = "Who resolved it, for the audit. Default: ${DEFAULT-VALUE}.")
        String by;

        @Option(names = "--json", description = "Print the resolved conflict as JSON.")
        boolean json;

        private Resolution resolution;

        @Override
        void check() {
            resolution = resolution();
        }

        /** Writing the client's or merged values checks them against the synced table's declaration. */
        @Override
        String configNeededBy() {
            return resolution.choice() == Resolution.Choice.SERVER ? null : "--take " + take.toLowerCase(Locale.ROOT);
        }

        @Override
        int run(SyncTarget db, PrintWriter out) {
            Conflict c = db.conflictQueue().resolve(id, null, resolution, by);
            if (json) {
                Output.json(out, c);
            } else {
                Output.text(out, "Conflict #" + c.id() + " on " + c.table() + " " + c.recordId() + " resolved: "
                        + c.result() + ". Clients get the result on their next pull.");
            }
            return 0;
        }

        private Resolution resolution() {
            switch (take.toLowerCase(Locale.ROOT)) {
                case "server":
                    return Resolution.server();
                case "client":
                    return Resolution.client();
                case "merged":
                    if (values == null) {
                        throw new MooringException(ErrorCode.USAGE, "--take merged needs --values '{\"column\": value}'.");
                    }
                    return Resolution.merged(parse(values));
                default:
                    throw new MooringException(ErrorCode.USAGE, "--take must be server, client or merged, was '" + take + "'.");
            }
        }

        private static Map<String, JsonNode> parse(String text) {
            try {
                JsonNode node = new ObjectMapper().readTree(text);
                if (node == null || !node.isObject()) {
                    throw new MooringException(ErrorCode.USAGE, "--values must be a JSON object, e.g. '{\"title\": \"Both\"}'.");
                }
                Map<String, JsonNode> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
                return map;
            } catch (JsonProcessingException e) {
                throw new MooringException(ErrorCode.USAGE, "--values is not valid JSON: " + e.getOriginalMessage());
            }
        }
    }
}
