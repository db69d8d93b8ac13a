package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads {@code mooring.sync.config}: a {@code classpath:} resource, or a file ({@code file:}, or a bare path). Stateless. */
final class SyncConfigLocation {
    private static final String CLASSPATH = "classpath:";

    private SyncConfigLocation() {
    }

    static SyncConfig load(String location, ResourceLoader resources) {
        if (!location.startsWith(CLASSPATH)) {
            return SyncConfigFile.load(Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location));
        }
        Resource resource = resources.getResource(location);
        try (InputStream in = resource.getInputStream()) {
            return SyncConfigFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
        } catch (FileNotFoundException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no sync configuration at " + location
                    + ": check mooring.sync.config.", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read " + location + ": " + e.getMessage(), e);
        }
    }
}
