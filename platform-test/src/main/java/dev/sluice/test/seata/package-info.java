/** A real Seata TC in its own JVM for tests and the local stack, which can be stopped and restarted on its store. */
package dev.sluice.test.seata;
