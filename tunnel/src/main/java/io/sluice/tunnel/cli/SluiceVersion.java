package io.sluice.tunnel.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, or "development" when run from classes. */
final class SluiceVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = SluiceMain.class.getPackage().getImplementationVersion();
        return new String[] {"sluice " + (version == null ? "development" : version)};
    }
}
