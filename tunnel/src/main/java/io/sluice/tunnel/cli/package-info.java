/** The command line (picocli): wiring only. The one package that may construct the spawner's Supervisor. */
package io.sluice.tunnel.cli;
