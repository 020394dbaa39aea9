/** The TCC fence: its Seata configuration, the check that a transaction manager exists, and its table's migration. */
package dev.sluice.tcc.fence;
