/** The instance's identity (service, address, zone) and an opt-in endpoint that serves it. */
package dev.sluice.starter.identity;
