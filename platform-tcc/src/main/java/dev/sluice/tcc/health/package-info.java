/** The TC's reachability as a health contributor for readiness. */
package dev.sluice.tcc.health;
