package dev.mooring.cli.internal;

import dev.mooring.server.PackageGeneration;
import dev.mooring.sync.AvailablePackage;
import dev.mooring.sync.PackageManifest;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.LocalPackage;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the {@code mooring package} commands print what they did, as text and as JSON documents. Stateless. */
final class PackageReports {
    private PackageReports() {
    }

    static String text(PackageGeneration g) {
        PackageManifest m = g.manifest();
        StringBuilder text = new StringBuilder(g.reused()
                ? "Served package " + title(m) + " from the cache into " + g.file() + ": nothing it holds has changed"
                        + " since it was cut at " + m.createdAt() + ".\n"
                : "Cut package " + title(m) + " into " + g.file() + " in " + g.durationMs() + " ms.\n");
        for (PackageManifest.Table t : m.tables()) {
            text.append(String.format("  %-14s %d row(s)%s%n", t.name(), t.rows(),
                    t.deleted() == 0 ? "" : ", " + t.deleted() + " of them deleted"));
        }
        text.append("  watermark      ").append(m.watermark()).append('\n');
        text.append("  schema         server ").append(orNone(m.schemaVersion())).append(", for clients at ")
                .append(m.clientSchemaVersion() == null ? "any version" : m.clientSchemaVersion() + " or newer")
                .append('\n');
        return text.append("  file           ").append(Sizes.human(g.size())).append(", sha256 ").append(g.sha256())
                .toString();
    }

    static Map<String, Object> json(PackageGeneration g) {
        Map<String, Object> doc = manifest(g.manifest());
        doc.put("generation", g.generation());
        doc.put("file", g.file().toString());
        doc.put("size", g.size());
        doc.put("sha256", g.sha256());
        doc.put("reused", g.reused());
        doc.put("requestedBy", g.requestedBy());
        doc.put("durationMs", g.durationMs());
        return doc;
    }

    static String text(Path db, ImportResult r) {
        StringBuilder text = new StringBuilder("Imported package " + title(r.manifest()) + " into " + db + " (source "
                + r.source().wireName() + ").\n");
        r.written().forEach((table, rows) -> text.append(String.format("  %-14s %d row(s) written%n", table, rows)));
        text.append("  left as is     ").append(r.keptLocal()).append(" with local edits not yet pushed, ")
                .append(r.alreadyNewer()).append(" already as new or newer here");
        if (r.notWritten() > 0) {
            text.append(", ").append(r.notWritten()).append(" refused by this database's tables");
        }
        text.append('\n');
        r.droppedColumns().forEach((table, columns) -> text.append("  left out       ").append(table).append(": ")
                .append(String.join(", ", columns)).append(" (not in this database)\n"));
        return text.append(r.cursorMoved()
                ? "  cursor         moved to the package's watermark: the next sync continues from it"
                : "  cursor         stayed: " + r.cursorNote()).toString();
    }

    static Map<String, Object> json(Path db, ImportResult r) {
        Map<String, Object> doc = manifest(r.manifest());
        doc.put("db", db.toString());
        doc.put("source", r.source().wireName());
        doc.put("written", r.written());
        doc.put("keptLocal", r.keptLocal());
        doc.put("alreadyNewer", r.alreadyNewer());
        doc.put("notWritten", r.notWritten());
        doc.put("droppedColumns", r.droppedColumns());
        doc.put("cursorMoved", r.cursorMoved());
        doc.put("cursor", r.cursor());
        doc.put("cursorNote", r.cursorNote());
        return doc;
    }

    static String available(List<AvailablePackage> packages) {
        if (packages.isEmpty()) {
            return "No packages for this token's user.";
        }
        StringBuilder text = new StringBuilder();
        for (AvailablePackage p : packages) {
            text.append(p.id()).append("  ").append(p.type()).append(" version ").append(p.version())
                    .append(p.user() == null ? " (shared)" : " (user " + p.user() + ")").append(", ")
                    .append(Sizes.human(p.size())).append(", cut ").append(p.createdAt()).append(", tables ")
                    .append(String.join(", ", p.tables())).append('\n');
        }
        return text.toString().stripTrailing();
    }

    static String imported(List<LocalPackage> packages) {
        if (packages.isEmpty()) {
            return "No packages imported.";
        }
        StringBuilder text = new StringBuilder();
        for (LocalPackage p : packages) {
            text.append(p.id()).append("  ").append(p.type()).append(" version ").append(p.version()).append(", ")
                    .append(p.source().wireName()).append(" at ").append(p.importedAt()).append(", ")
                    .append(Sizes.human(p.size())).append(p.file() == null ? " (replaced by a newer one)" : "")
                    .append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static Map<String, Object> manifest(PackageManifest m) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", m.id());
        doc.put("type", m.type());
        doc.put("version", m.version());
        doc.put("createdAt", m.createdAt().toString());
        doc.put("user", m.user());
        doc.put("shared", m.shared());
        doc.put("where", m.where());
        Map<String, Long> rows = new LinkedHashMap<>();
        m.tables().forEach(t -> rows.put(t.name(), t.rows()));
        doc.put("rows", rows);
        doc.put("watermark", m.watermark());
        doc.put("schemaVersion", m.schemaVersion());
        doc.put("clientSchemaVersion", m.clientSchemaVersion());
        return doc;
    }

    private static String title(PackageManifest m) {
        return m.type() + " version " + m.version() + " (id " + m.id() + ", " + (m.shared() ? "shared"
                : "user " + m.user()) + ")";
    }

    private static String orNone(String value) {
        return value == null ? "unknown" : value;
    }
}
