package dev.mooring.cli.internal;

import picocli.CommandLine;

/** Reads the version from the jar manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"mooring " + (v == null ? "(development build)" : v)};
    }
}
