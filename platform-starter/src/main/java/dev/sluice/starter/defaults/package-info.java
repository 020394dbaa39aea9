/** Platform-wide defaults every service gets by adding the starter: probes on, actuator closed, problem+json errors. */
package dev.sluice.starter.defaults;
