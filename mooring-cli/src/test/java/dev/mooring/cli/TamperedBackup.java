package dev.mooring.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * What an attacker with write access to the backup folder does to a plain, uncompressed backup: edits the script
 * and recomputes the manifest's SHA-256 and sizes, so that every checksum still matches.
 */
final class TamperedBackup {
    private TamperedBackup() {
    }

    /** Rewrites {@code file} with {@code edit} and makes its manifest match the new bytes. */
    static void edit(Path file, UnaryOperator<String> edit) throws Exception {
        String script = Files.readString(file, StandardCharsets.UTF_8);
        byte[] bytes = edit.apply(script).getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        editManifest(file, doc -> {
            doc.put("sha256", sha256);
            doc.put("fileBytes", bytes.length);
            doc.put("contentBytes", bytes.length);
        });
    }

    /** Changes {@code file}'s manifest with {@code edit}. */
    static void editManifest(Path file, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        Path manifest = file.resolveSibling(file.getFileName() + ".manifest.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(manifest.toFile());
        edit.accept(doc);
        json.writeValue(manifest.toFile(), doc);
    }

    /** Inserts {@code sql} on its own lines just before the script's end marker. */
    static UnaryOperator<String> beforeEndMarker(String sql) {
        return script -> insertBefore(script, "-- mooring:dump-complete", sql);
    }

    /** Inserts {@code text} at the start of the line holding {@code anchor}'s first occurrence. */
    static String insertBefore(String script, String anchor, String text) {
        int at = script.indexOf(anchor);
        if (at < 0) {
            throw new IllegalArgumentException("no " + anchor + " in the script");
        }
        int lineStart = script.lastIndexOf('\n', at) + 1;
        return script.substring(0, lineStart) + text + (text.endsWith("\n") ? "" : "\n") + script.substring(lineStart);
    }

    /** The 1-based line of {@code text}'s first occurrence in {@code file}. */
    static long lineOf(Path file, String text) throws Exception {
        String script = Files.readString(file, StandardCharsets.UTF_8);
        int at = script.indexOf(text);
        if (at < 0) {
            throw new IllegalArgumentException("no " + text + " in " + file);
        }
        return script.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
