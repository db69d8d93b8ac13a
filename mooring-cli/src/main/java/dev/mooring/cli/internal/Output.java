package dev.mooring.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.Map;

/**
 * Prints results as text or, with {@code --json}, as JSON documents, and turns exceptions into one message and an
 * exit code. Everything printed passes through {@link Redaction}, so passwords never reach the terminal, and text
 * through {@link VisibleText}, so control characters in the names it echoes never act on the terminal.
 */
public final class Output {
    /** Loaded on first use: Jackson is a third of the classes a text-only run would otherwise load. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                // a path as written (a backup in S3 is a bare name), not Jackson's file:// URI of it
                .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    private Output() {
    }

    /** Prints {@code value} as JSON. */
    public static void json(PrintWriter out, Object value) {
        try {
            out.println(Redaction.redact(Json.MAPPER.writeValueAsString(value)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value}'s JSON fields as a mutable map, in order, to add fields to before printing it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return Json.MAPPER.convertValue(value, LinkedHashMap.class);
    }

    /** Prints {@code value} as JSON on one line: one document per line for output that streams ({@code --watch}). */
    public static void jsonLine(PrintWriter out, Object value) {
        try {
            out.println(Redaction.redact(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error document {@code --json} prints: {@code {"error": {"code", "exitCode", "message"}}}. */
    public static Map<String, Object> error(ErrorCode code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.name());
        error.put("exitCode", code.exitCode());
        error.put("message", Redaction.redact(message));
        return Map.of("error", error);
    }

    /** Prints text, redacted, its control characters escaped. */
    public static void text(PrintWriter out, String text) {
        out.println(VisibleText.escape(Redaction.redact(text)));
    }

    /** picocli's hook for exceptions thrown by a command. */
    public static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        boolean json = false;
        // --json may belong to a command at any depth: mooring sync status --json
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            json |= p.hasMatchedOption("--json");
        }
        ErrorCode code = e instanceof MooringException m ? m.code() : ErrorCode.INTERNAL;
        String message = e instanceof MooringException ? e.getMessage()
                : "Unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage() + " (this is a bug in Mooring; please report it)";
        PrintWriter err = cl.getErr();
        if (json) {
            json(cl.getOut(), error(code, message));
        } else {
            text(err, "error: " + message);
            if (code == ErrorCode.INTERNAL) {
                e.printStackTrace(err);
            }
        }
        err.flush();
        return code.exitCode();
    }

    /**
     * picocli's hook for a command line it cannot parse: as picocli's own handler (the message, then suggestions or
     * the usage), but the message, which quotes the input, goes through {@link #text}.
     */
    public static int handleParseError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        text(err, e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            cl.usage(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
