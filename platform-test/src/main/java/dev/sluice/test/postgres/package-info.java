/** A real PostgreSQL server for tests and the local stack, from binaries on Maven Central, run as a managed process. */
package dev.sluice.test.postgres;
