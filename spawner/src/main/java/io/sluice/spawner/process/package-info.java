/**
 * Child processes as the pool sees them: a listening socket that becomes the child's fd 0, a launcher, the running
 * child with its exit future, one reaper thread for every child, the stop ladder runner, the runtime-dir's trust check
 * and lock, and the process-group ledger.
 * The only package that imports {@code io.sluice.spawner.posix}; besides it imports only {@code spec}, never pool,
 * registry or Netty.
 */
package io.sluice.spawner.process;
