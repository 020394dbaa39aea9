/** Seata TCC auto-configuration for services. Built out by the TCC order-flow issue; empty in the platform spine. */
package dev.sluice.tcc;
