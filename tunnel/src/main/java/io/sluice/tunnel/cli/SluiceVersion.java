package io.sluice.tunnel.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, or "development" when run from classes. */
final class SluiceVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"sluice " + number()};
    }

    /** The version number, or "development". */
    static String number() {
        String version = SluiceMain.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
