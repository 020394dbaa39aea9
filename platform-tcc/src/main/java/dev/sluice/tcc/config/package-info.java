/** {@code sluice.tcc.*} settings and their translation into the Seata client's {@code seata.*} settings. */
package dev.sluice.tcc.config;
