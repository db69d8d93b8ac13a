package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.IssuedToken;
import dev.mooring.server.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mooring token create | revoke}: bearer tokens for sync clients, and admin tokens for operators
 * ({@code create --admin}). Only a hash of each token is stored.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create or revoke sync client tokens and admin tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class})
public final class TokenCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token for a user, or an admin token, and print it once; only its hash is stored.")
    static final class Create extends SyncCommand {
        /** Who holds an admin token created without --user. */
        static final String DEFAULT_ADMIN = "admin";

        @Option(names = "--user", paramLabel = "ID", description = "The user the token acts for. With --admin: who"
                + " holds it, for the record (default: " + DEFAULT_ADMIN + ").")
        String user;

        @Option(names = "--admin", description = "Create an admin token: it reads global health, every user's sessions"
                + " and the conflict queue of all users (GET /v1/health, /v1/sessions, /v1/conflicts) and resolves any"
                + " conflict; it syncs as nobody.")
        boolean admin;

        @Option(names = "--label", description = "A note to tell tokens apart, e.g. the device.")
        String label;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        void check() {
            if (user == null && !admin) {
                throw new MooringException(ErrorCode.USAGE, "name the user the token acts for: --user <id> (or --admin"
                        + " for an admin token).");
            }
        }

        @Override
        int run(SyncTarget db, PrintWriter out) {
            Tokens tokens = Tokens.create(db.dataSource);
            IssuedToken t = admin ? tokens.issueAdmin(user == null ? DEFAULT_ADMIN : user, label)
                    : tokens.issue(user, label);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("user", t.userId());
                doc.put("role", t.admin() ? "admin" : "user");
                doc.put("token", t.token());
                Output.json(out, doc);
            } else {
                Output.text(out, t.token() + "\n\nThis is the only time the token is shown: store it now. "
                        + (t.admin() ? "It is an admin token held by " + t.userId() + ": it reads global health and"
                        + " every user's sessions and conflicts, and syncs as nobody. Send it as"
                        : "Clients send it as") + ": Authorization: Bearer <token>");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one token, or every token of a user.")
    static final class Revoke extends SyncCommand {
        @Parameters(arity = "0..1", paramLabel = "TOKEN", description = "The token to revoke; - reads it from standard"
                + " input, which keeps it out of the process list and the shell history.")
        String token;

        @Option(names = "--user", paramLabel = "ID", description = "Revoke every token of this user instead.")
        String user;

        @Option(names = "--json", description = "Print the result as JSON: how many tokens were revoked.")
        boolean json;

        @Override
        void check() {
            if ((token == null) == (user == null)) {
                throw new MooringException(ErrorCode.USAGE, "name either a TOKEN or --user <id>, not both or neither.");
            }
            if ("-".equals(token)) {
                token = TokenInput.read(System.in, "to revoke");
            }
        }

        @Override
        int run(SyncTarget db, PrintWriter out) {
            Tokens tokens = Tokens.create(db.dataSource);
            int revoked = token != null ? (tokens.revoke(token) ? 1 : 0) : tokens.revokeAll(user);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("revoked", revoked);
                if (user != null) {
                    doc.put("user", user);
                }
                Output.json(out, doc);
            } else {
                Output.text(out, token != null
                        ? (revoked == 1 ? "Revoked." : "No active token matches; nothing was revoked.")
                        : "Revoked " + revoked + " token(s) of user " + user + ".");
            }
            return 0;
        }
    }
}
