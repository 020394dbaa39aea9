/**
 * Child processes that cannot leak: {@link dev.sluice.test.process.ManagedProcess} starts a server with its
 * log in a file, and {@link dev.sluice.test.process.ProcessReaper} stops it when the JVM ends, however it ends.
 */
package dev.sluice.test.process;
