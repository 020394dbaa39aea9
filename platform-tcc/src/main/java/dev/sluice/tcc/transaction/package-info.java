/** Beginning global transactions: {@link dev.sluice.tcc.transaction.GlobalTransactions}, with outcome metrics. */
package dev.sluice.tcc.transaction;
